import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { imageSize } from "image-size";
import {
  appOrigin,
  expectAccessible,
  fixtureUrl,
  requestsElsewhere,
  saveAtBothSizes,
  shownImageBytes,
} from "./support";

/** A fixture page URL no other test (or run against the same app) has captured. */
const freshUrl = (path: string) =>
  fixtureUrl(`${path}${path.includes("?") ? "&" : "?"}run=${Date.now()}`);
const status = (page: Page) => page.getByTestId("x-cache");
const captureButton = (page: Page) => page.getByRole("button", { name: "Capture", exact: true });

test("captures a page: loading, MISS with every fact, HIT when captured again, MISS after a purge", async ({
  page,
}) => {
  await page.goto(appOrigin());
  // A page that takes 1.5 s to answer, so the loading state is seen.
  await page.getByLabel("URL").fill(freshUrl("/slow?ms=1500&playground=1"));
  await page.getByLabel("Width", { exact: true }).fill("800");
  await page.getByLabel("Height", { exact: true }).fill("500");

  await captureButton(page).click();
  await expect(page.getByTestId("loading")).toHaveText(/^Capturing… \d+\.\d s$/);
  await expect(status(page)).toHaveText("MISS");
  await expect(page.getByTestId("loading")).toBeHidden();
  const image = page.getByRole("img", { name: /^Screenshot of/ });
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);
  await expect(page.getByTestId("age")).toHaveText("0 s");
  await expect(page.getByTestId("ttl")).toHaveText(/^[1-9]\d* s$/);
  await expect(page.getByTestId("size")).toHaveText(/^[\d,]+ bytes$/);
  await expect(page.getByTestId("etag")).toHaveText(/^"[^"]+"$/);
  await expect(page.getByTestId("render-time")).toHaveText(/^\d+ ms$/);
  await expect(page.getByTestId("key")).not.toBeEmpty();
  await expect(page.getByTestId("captured-at")).toHaveText(/^\d{2}\/\d{2}\/\d{4}, /);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download image" }).click();
  expect((await download).suggestedFilename()).toBe("shot.png");
  await expect(page.getByTestId("bytes-from")).toHaveText("the server");
  // The answer waited for the slow page, and the elapsed time says so.
  expect(
    Number.parseInt((await page.getByTestId("elapsed").textContent()) ?? "", 10),
  ).toBeGreaterThanOrEqual(1500);

  // Captured again, the SDK in this page revalidates with its ETag: a 304 with no image bytes.
  const revalidation = page.waitForResponse((r) => r.url().includes("/api/v1/screenshot?"));
  await page.getByRole("button", { name: "Capture again" }).click();
  await expect(status(page)).toHaveText("HIT");
  await expect(page.getByTestId("bytes-from")).toHaveText("this browser (304)");
  const answer = await revalidation;
  expect(answer.status()).toBe(304);
  expect((await answer.request().sizes()).responseBodySize).toBeLessThanOrEqual(1024);
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);

  await page.getByRole("button", { name: "Purge" }).click();
  await expect(page.getByTestId("notice")).toHaveText("Purged 1 cached variant.");

  await captureButton(page).click();
  await expect(status(page)).toHaveText("MISS");
});

test("shows the server's errors next to the field they concern", async ({ page }) => {
  await page.goto(appOrigin());
  await page.getByLabel("URL").fill("ftp://example.invalid/file");
  await captureButton(page).click();
  await expect(page.locator("#url-error")).toHaveText("must be an absolute http or https URL");
  await expect(page.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");

  // An option in a closed group: the group opens to show its error.
  await page.getByLabel("URL").fill(freshUrl("/stable?errors=1"));
  await page.getByText("Image options").click();
  await page.getByLabel("Quality").fill("500");
  await page.getByText("Image options").click();
  await expect(page.getByLabel("Quality")).toBeHidden();
  await captureButton(page).click();
  await expect(page.locator("#quality-error")).toHaveText(/100/);
  await expect(page.getByLabel("Quality")).toBeVisible();
  await expect(page.locator("#url-error")).toHaveCount(0);
});

test("copies the same request as curl (which returns the same image), SDK code and a signed URL", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  await page.goto(appOrigin());
  const url = freshUrl("/stable?copy=1");
  await page.getByLabel("URL").fill(url);
  await page.getByLabel("Width", { exact: true }).fill("640");
  await page.getByLabel("Format").selectOption("jpeg");
  await page.getByText("Image options").click();
  await page.getByLabel("Quality").fill("70");
  await page.getByText("Appearance options").click();
  await page.getByLabel("Dark mode").check();
  await page.getByLabel("Hide selectors").fill(".nothing\n#nag");
  await captureButton(page).click();
  await expect(status(page)).toHaveText("MISS");
  const shown = await shownImageBytes(page);

  await page.getByRole("button", { name: "Copy curl" }).click();
  const curl = await clipboard();
  expect(curl).toBe(await page.getByTestId("curl").textContent());
  for (const part of ["width=640", "format=jpeg", "quality=70", "darkMode=true"]) {
    expect(curl).toContain(part);
  }
  expect(curl).toContain("hideSelectors=.nothing&hideSelectors=%23nag");
  const folder = mkdtempSync(join(tmpdir(), "shotcache-curl-"));
  try {
    const headers = execFileSync("sh", ["-c", curl], { cwd: folder, encoding: "utf8" });
    expect(headers).toMatch(/^HTTP\/1\.1 200/);
    expect(headers).toMatch(/^x-cache: HIT\r?$/im);
    expect(readFileSync(join(folder, "shot.jpeg")).equals(shown)).toBe(true);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }

  await page.getByRole("button", { name: "Copy SDK" }).click();
  expect(await clipboard()).toBe(
    [
      'import { createShotcacheClient } from "@shotcache/sdk";',
      "",
      `const shotcache = createShotcacheClient({ baseUrl: "${appOrigin()}" });`,
      `const shot = await shotcache.capture({ url: "${url}", width: 640, format: "jpeg", quality: 70, darkMode: true, hideSelectors: [".nothing","#nag"] });`,
      "console.log(shot.cache.status, shot.etag, shot.bytes.byteLength);",
    ].join("\n"),
  );

  await page.getByLabel("Signed URL expires").selectOption("1 hour");
  await page.getByRole("button", { name: "Make signed URL" }).click();
  await expect(page.getByTestId("signed-expiry")).toHaveText(/^Valid until \d{2}\/\d{2}\/\d{4}, /);
  await page.getByRole("button", { name: "Copy signed URL" }).click();
  const signed = new URL(await clipboard());
  expect(signed.origin).toBe(appOrigin());
  expect(Number(signed.searchParams.get("expires")) - Date.now() / 1000).toBeGreaterThan(3500);
  // Anyone may fetch it, with no key: the same image, cacheable by shared caches.
  const response = await fetch(signed);
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toMatch(/^public, /);
  expect(Buffer.from(await response.arrayBuffer()).equals(shown)).toBe(true);
});

test("offers the later options: a print-styled avif thumbnail of a region, clicked first, in the copied request", async ({
  page,
}) => {
  await page.goto(appOrigin());
  await page.getByLabel("URL").fill(freshUrl("/extras"));
  await page.getByLabel("Format").selectOption("avif");
  await page.getByText("Image options").click();
  await page.getByLabel("Image width").fill("320");
  const clip = page.getByRole("group", { name: "Clip" });
  for (const [part, value] of [
    ["x", "0"],
    ["y", "0"],
    ["width", "200"],
    ["height", "100"],
  ]) {
    await clip.getByLabel(part ?? "", { exact: true }).fill(value ?? "");
  }
  await page.getByText("Page loading options").click();
  await page.getByLabel("Click", { exact: true }).fill("#button");
  await page.getByRole("group", { name: "Block resources" }).getByLabel("image").check();
  await page.getByText("Appearance options").click();
  await page.getByLabel("Media type").selectOption("print");
  await captureButton(page).click();
  await expect(status(page)).toHaveText("MISS");
  const shown = await shownImageBytes(page);
  expect(Buffer.from(shown).subarray(4, 12).toString()).toBe("ftypavif");
  // The 200×100 region, resized to 320 wide.
  expect(imageSize(shown)).toMatchObject({ width: 320, height: 160 });
  const curl = (await page.getByTestId("curl").textContent()) ?? "";
  for (const part of [
    "format=avif",
    "imageWidth=320",
    "clip=0%2C0%2C200%2C100",
    "click=%23button",
    "blockResources=image",
    "mediaType=print",
  ]) {
    expect(curl).toContain(part);
  }
});

test("captures given HTML instead of a URL, with the visitor's time zone", async ({ page }) => {
  await page.goto(appOrigin());
  await page.getByText("Page as HTML options").click();
  const html = `<body style="margin:0;background:#0a0"><h1>${Date.now()}</h1></body>`;
  await page.getByLabel("HTML", { exact: true }).fill(html);
  await page.getByText("Visitor options").click();
  await page.getByLabel("Time zone").fill("Asia/Tokyo");
  await captureButton(page).click();
  await expect(status(page)).toHaveText("MISS");
  expect(imageSize(await shownImageBytes(page))).toMatchObject({ width: 1280, height: 720 });
  await captureButton(page).click();
  await expect(status(page)).toHaveText("HIT");
});

test("works from the keyboard alone, with every control labelled", async ({ page }) => {
  await page.goto(appOrigin());
  const urlField = page.getByLabel("URL");
  for (
    let presses = 0;
    presses < 10 && !(await urlField.evaluate((el) => el === document.activeElement));
    presses++
  ) {
    await page.keyboard.press("Tab");
  }
  await expect(urlField).toBeFocused();
  await page.keyboard.type(freshUrl("/stable?keyboard=1"));
  await page.keyboard.press("Enter");
  await expect(status(page)).toHaveText("MISS");

  // A group of options opens from the keyboard.
  await page.getByText("Cache options").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Cache key")).toBeVisible();
  await expectAccessible(page);
});

test("talks to no host but the app, and is saved at desktop and phone sizes", async ({
  page,
}, testInfo) => {
  const elsewhere = requestsElsewhere(page);
  await page.goto(appOrigin());
  await page.getByLabel("URL").fill(freshUrl("/stable?sizes=1"));
  await page.getByText("Appearance options").click();
  await captureButton(page).click();
  await expect(status(page)).toBeVisible();
  await saveAtBothSizes(page, testInfo, "playground");
  expect(elsewhere).toEqual([]);
});
