import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const appOrigin = () => process.env.SHOTCACHE_E2E_ORIGIN ?? "";
export const fixtureUrl = (path: string) => `${process.env.SHOTCACHE_E2E_FIXTURE_ORIGIN}${path}`;

/** Every request the page makes to a host other than the app; checked empty at the end. */
export function requestsElsewhere(page: Page): string[] {
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    const { protocol, origin } = new URL(request.url());
    if (protocol !== "data:" && protocol !== "blob:" && origin !== new URL(appOrigin()).origin)
      elsewhere.push(request.url());
  });
  return elsewhere;
}

/**
 * Saves full-page screenshots at desktop and phone sizes as test artifacts, checking at each size
 * that nothing overflows sideways and that axe-core finds no accessibility violation; then checks
 * the dark colour scheme with axe too (its contrast differs), saving it at phone size.
 */
export async function saveAtBothSizes(page: Page, testInfo: TestInfo, name: string) {
  for (const [size, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow of ${name} at ${size} size`).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    const path = testInfo.outputPath(`${name}-${size}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${name}-${size}`, { path, contentType: "image/png" });
  }
  await page.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(page);
  const dark = testInfo.outputPath(`${name}-phone-dark.png`);
  await page.screenshot({ path: dark, fullPage: true });
  await testInfo.attach(`${name}-phone-dark`, { path: dark, contentType: "image/png" });
  await page.emulateMedia({ colorScheme: null });
}

/** No accessibility violation axe-core can find (labels, names, contrast, roles, …). */
export async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(
    violations.map(({ id, nodes }) => `${id}: ${nodes.map((n) => n.target).join(", ")}`),
  ).toEqual([]);
}

/** The bytes of the screenshot the playground shows. */
export async function shownImageBytes(page: Page): Promise<Buffer> {
  const base64 = await page.getByRole("img", { name: /^Screenshot of/ }).evaluate(async (img) => {
    const blob = await (await fetch((img as HTMLImageElement).src)).blob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  });
  return Buffer.from(base64, "base64");
}
