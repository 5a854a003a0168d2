import { type CaptureInput, captureOptionsSchema, type Geolocation } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  type RemoteBrowser,
  scriptGlyphsOf,
  startFixtureSite,
  startRemoteBrowser,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserExecutable } from "./find-browser";
import { fontCoverage, missingFontPackages } from "./font-coverage";
import { ALLOW_ALL } from "./network-guard";
import { createPuppeteerRenderer, type PuppeteerRenderer } from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));
const fonts = await availableOrSkip("CJK and colour-emoji fonts", async () => {
  const missing = missingFontPackages(await fontCoverage());
  if (missing.length > 0) throw new Error(`apt-get install ${missing.join(" ")}`);
  return true;
});

/**
 * The same settings hold for a browser we launched and for a remote one, whose requests this
 * process performs (request-relay.ts): the cookies and the language must travel with them.
 */
describe.skipIf(!executablePath).each(["local", "remote"] as const)(
  "pages as visitors see them, %s browser (real Chromium)",
  (source) => {
    let remote: RemoteBrowser | undefined;
    let site: FixtureSite;
    let renderer: PuppeteerRenderer;
    const render = (input: Omit<CaptureInput, "url"> & { path: string }) => {
      const { path, ...options } = input;
      return renderer.render(captureOptionsSchema.parse({ url: site.url(path), ...options }));
    };
    /** What `/visitor` reported of itself under these options. */
    const visitorFacts = async (options: Omit<CaptureInput, "url"> & { path?: string } = {}) => {
      await render({ path: "/visitor", waitForSelector: "#done", ...options });
      const facts: Record<string, string | undefined> = Object.fromEntries(
        site.lastQuery("/visitor-report") ?? [],
      );
      facts.acceptLanguage = site.lastHeaders("/visitor-report")?.["accept-language"];
      return facts;
    };

    beforeAll(async () => {
      site = await startFixtureSite();
      if (source === "remote") remote = await startRemoteBrowser();
      renderer = createPuppeteerRenderer({
        network: ALLOW_ALL,
        ...(remote ? { browser: { kind: "remote", url: remote.url } } : { executablePath }),
      });
    });
    afterAll(async () => {
      await renderer?.close();
      await Promise.all([site?.close(), remote?.close()]);
    });

    it("timezone: the page's Date and Intl keep that zone's time", async () => {
      expect(await visitorFacts({ timezone: "Asia/Tokyo" })).toMatchObject({
        timeZone: "Asia/Tokyo",
        hourAtEpoch: "9",
      });
      expect(await visitorFacts({ timezone: "america/new_york" })).toMatchObject({
        timeZone: "America/New_York",
        hourAtEpoch: "19",
      });
    });

    it("locale: navigator.language, Intl and the Accept-Language of the page's own requests", async () => {
      const plain = await visitorFacts();
      expect(plain.language).not.toBe("de-DE");
      expect(await visitorFacts({ locale: "de-de" })).toMatchObject({
        language: "de-DE",
        languages: "de-DE",
        locale: "de-DE",
        acceptLanguage: "de-DE",
      });
      expect(site.lastHeaders("/visitor")?.["accept-language"]).toBe("de-DE");
    });

    it("geolocation: the page gets that position when it asks; none without it", async () => {
      const tokyo: Geolocation = { latitude: 35.6762, longitude: 139.6503, accuracy: 25 };
      expect(await visitorFacts({ path: "/visitor?position", geolocation: tokyo })).toMatchObject({
        position: "35.6762,139.6503,25",
      });
      const refused = await visitorFacts({ path: "/visitor?position" });
      expect(refused.position).toMatch(/^refused:/);
    });

    it("geolocation: granted to the page's own origin only, not where a redirect leads", async () => {
      const other = await startFixtureSite();
      try {
        const elsewhere = `${other.origin.replace("127.0.0.1", "localhost")}/visitor?position`;
        await render({
          path: `/redirect?to=${encodeURIComponent(elsewhere)}`,
          geolocation: "35.6762,139.6503",
          waitForSelector: "#done",
        });
        expect(other.lastQuery("/visitor-report")?.get("position")).toMatch(/^refused:/);
      } finally {
        await other.close();
      }
    });

    it("cookies: with the page's own requests, never with another site's", async () => {
      // Cookies ignore ports: the other site is another host, `localhost`, on the same machine.
      const other = await startFixtureSite();
      try {
        const target = other.origin.replace("127.0.0.1", "localhost");
        const cookies = ["session=s3cret", "consent=no"];
        await render({ path: `/embeds?target=${encodeURIComponent(target)}`, cookies });
        expect(site.lastHeaders("/embeds")?.cookie).toBe("consent=no; session=s3cret");
        expect(other.requestCount("/image.png") + other.requestCount("/fetch")).toBeGreaterThan(0);
        for (const path of ["/script.js", "/image.png", "/frame", "/fetch"]) {
          expect(other.lastHeaders(path)?.cookie, path).toBeUndefined();
        }
        await visitorFacts({ cookies: ["session=s3cret"] });
        expect(site.lastHeaders("/visitor-report")?.cookie).toBe("session=s3cret");
      } finally {
        await other.close();
      }
    });

    it.skipIf(!fonts)(
      "fonts: two CJK characters are two glyphs, Hangul is drawn, the emoji is in colour",
      async () => {
        const image = await render({ path: "/scripts", width: 400, height: 100 });
        const glyphs = await scriptGlyphsOf(image.bytes);
        for (const inked of glyphs.inked) expect(inked).toBeGreaterThan(200);
        expect(glyphs.cjkGlyphsDiffer).toBe(true);
        expect(glyphs.emojiColoured).toBeGreaterThan(500);
        expect(glyphs.textColoured).toBe(0);
      },
    );
  },
);
