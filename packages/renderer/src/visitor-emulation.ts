/** @module The visitor a page sees: its time zone, language, place, and the cookies it holds. */
import { type CaptureOptions, devicePreset } from "@shotcache/core";
import type { Page } from "puppeteer";

export type VisitorOptions = Pick<
  CaptureOptions,
  "url" | "timezone" | "locale" | "geolocation" | "cookies" | "userAgent" | "device"
>;

/**
 * The language: `Intl`'s default locale, `navigator.language(s)` and the `Accept-Language` of
 * every request the page makes. Puppeteer has no call for the last two, so they are set over a
 * DevTools session of their own, which stays open for the page's life (closing it would drop
 * them). The user agent is restated with them, as the override takes both at once.
 */
async function emulateLocale(page: Page, options: VisitorOptions, locale: string): Promise<void> {
  const device = options.device === undefined ? undefined : devicePreset(options.device);
  const userAgent = options.userAgent ?? device?.userAgent ?? (await page.browser().userAgent());
  const session = await page.createCDPSession();
  await session.send("Emulation.setLocaleOverride", { locale });
  await session.send("Emulation.setUserAgentOverride", { userAgent, acceptLanguage: locale });
}

/**
 * Sets what `options` ask of the visitor on a fresh page, before it navigates. The position is
 * given to the page's own origin only: the permission is granted there, and asked elsewhere (an
 * embedded frame of another site) it is refused. The cookies are the page's own site's (the
 * options refuse others), each with its domain and path stated.
 */
export async function emulateVisitor(page: Page, options: VisitorOptions): Promise<void> {
  if (options.timezone) await page.emulateTimezone(options.timezone);
  if (options.locale) await emulateLocale(page, options, options.locale);
  if (options.geolocation) {
    await page.browserContext().setPermission(new URL(options.url).origin, {
      permission: { name: "geolocation" },
      state: "granted",
    });
    await page.setGeolocation(options.geolocation);
  }
  // In this render's own context, which no other capture shares: they go nowhere else. A cookie
  // without a domain is set by the page's URL, so it is the host's alone (host-only).
  if (options.cookies) {
    const { url } = options;
    await page.setCookie(
      ...options.cookies.map((cookie) => (cookie.domain ? cookie : { ...cookie, url })),
    );
  }
}
