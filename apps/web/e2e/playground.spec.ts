import { expect, test } from "@playwright/test";

const appOrigin = () => process.env.SHOTCACHE_E2E_ORIGIN ?? "";
const fixtureUrl = (path: string) => `${process.env.SHOTCACHE_E2E_FIXTURE_ORIGIN}${path}`;

test("captures a page: MISS, then HIT, then MISS again after a purge", async ({ page }) => {
  await page.goto(appOrigin());
  await page.getByLabel("URL").fill(fixtureUrl("/stable?playground=1"));
  await page.getByLabel("Width").fill("800");
  await page.getByLabel("Height").fill("500");

  const capture = page.getByRole("button", { name: "Capture" });
  const status = page.getByTestId("x-cache");
  const image = page.getByRole("img", { name: /^Screenshot of/ });

  await capture.click();
  await expect(status).toHaveText("MISS");
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);

  await expect(page.getByTestId("bytes-from")).toHaveText("the server");
  await expect(page.getByTestId("etag")).toHaveText(/^"[^"]+"$/);

  // The SDK in this page revalidates with its ETag: a 304 with no image bytes, the held bytes shown.
  const revalidation = page.waitForResponse((r) => r.url().includes("/screenshot.capture"));
  await capture.click();
  await expect(status).toHaveText("HIT");
  await expect(page.getByTestId("bytes-from")).toHaveText("this browser (304)");
  const answer = await revalidation;
  expect(answer.status()).toBe(304);
  expect((await answer.request().sizes()).responseBodySize).toBeLessThanOrEqual(1024);
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);

  await page.getByRole("button", { name: "Purge" }).click();
  await expect(page.getByRole("status")).toHaveText("Purged 1 cached variant.");

  await capture.click();
  await expect(status).toHaveText("MISS");
});

test("shows an invalid URL as an error on the URL field", async ({ page }) => {
  await page.goto(appOrigin());
  await page.getByLabel("URL").fill("ftp://example.invalid/file");
  await page.getByRole("button", { name: "Capture" }).click();
  await expect(page.locator("#url-error")).toHaveText("must be an absolute http or https URL");
});

test("talks to no host but the app, and is saved at desktop and phone sizes", async ({
  page,
}, testInfo) => {
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    const { protocol, origin } = new URL(request.url());
    if (protocol !== "data:" && protocol !== "blob:" && origin !== new URL(appOrigin()).origin)
      elsewhere.push(request.url());
  });
  await page.goto(appOrigin());
  await page.getByLabel("URL").fill(fixtureUrl("/stable?sizes=1"));
  await page.getByRole("button", { name: "Capture" }).click();
  await expect(page.getByTestId("x-cache")).toBeVisible();

  for (const [name, size] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(size);
    // Nothing may overflow sideways, at either size.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow at ${name} size`).toBeLessThanOrEqual(0);
    const path = testInfo.outputPath(`playground-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`playground-${name}`, { path, contentType: "image/png" });
  }
  expect(elsewhere).toEqual([]);
});
