import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { type AppUnderTest, startAppUnderTest } from "../test/app-under-test";

const KEY = "playground-key-0123456789abcdef";

// A second app, started with keys for every call, beside the one of the other tests.
let keyed: AppUnderTest;
test.beforeAll(async () => {
  keyed = await startAppUnderTest({
    SHOTCACHE_API_KEYS: KEY,
    SHOTCACHE_CAPTURE_REQUIRES_KEY: "true",
  });
});
test.afterAll(async () => keyed?.close());

test("asks for an API key when the server has keys, and keeps it for the tab", async ({ page }) => {
  await page.goto(keyed.app.origin);
  await page.getByLabel("URL").fill(keyed.site.url("/stable?keyed=1"));
  await page.getByRole("button", { name: "Capture", exact: true }).click();
  await expect(page.getByText("Send an API key as `Authorization: Bearer <key>`.")).toBeVisible();

  await page.getByRole("textbox", { name: "API key" }).fill(KEY);
  await page.getByRole("button", { name: "Capture", exact: true }).click();
  await expect(page.getByTestId("x-cache")).toHaveText("MISS");
  // The copied request reads the key from the environment; the page never writes it out.
  await expect(page.getByTestId("curl")).toContainText(
    `-H "Authorization: Bearer $SHOTCACHE_API_KEY"`,
  );
  await expect(page.getByTestId("curl")).not.toContainText(KEY);
  // This server has no signing secret: no signed URL is offered.
  await expect(page.getByRole("button", { name: "Make signed URL" })).toHaveCount(0);

  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("textbox", { name: "API key" })).toHaveValue(KEY);
  await expect(page.getByTestId("requests")).toHaveText("1");
  // Usage by key, named by the first 12 hex digits of its digest, never by the key.
  const keyId = createHash("sha256").update(KEY).digest("hex").slice(0, 12);
  await expect(page.getByTestId("key-usage").locator("tbody td")).toHaveText([keyId, "1", "1"]);
  await expect(page.locator("body")).not.toContainText(KEY);
});
