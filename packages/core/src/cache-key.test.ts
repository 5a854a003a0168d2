import { describe, expect, it } from "vitest";
import {
  CACHE_CONTROL_OPTIONS,
  CHANGE_ANALYSIS_OPTIONS,
  cacheKeyFor,
  LATER_OUTPUT_OPTIONS,
  OUTPUT_OPTIONS,
  surrogateKeysOf,
  urlKeyFor,
} from "./cache-key";
import { canonicalizeUrl } from "./canonical-url";
import { type CaptureInput, captureOptionsObjectSchema, captureOptionsSchema } from "./options";

const keyOf = (input: CaptureInput) => cacheKeyFor(captureOptionsSchema.parse(input)).key;

describe("canonical URL", () => {
  it.each([
    ["HTTPS://Example.COM/Path", "https://example.com/Path"],
    ["https://example.com:443/", "https://example.com/"],
    ["http://example.com:80/a", "http://example.com/a"],
    ["http://example.com:8080/a", "http://example.com:8080/a"],
    ["https://example.com/a#section", "https://example.com/a"],
    ["https://example.com/?b=2&a=1", "https://example.com/?a=1&b=2"],
    ["https://example.com/?utm_source=x&id=7&fbclid=y&gclid=z", "https://example.com/?id=7"],
    ["https://example.com/?utm_medium=mail", "https://example.com/"],
    ["https://example.com/?a=2&b=1&a=1", "https://example.com/?a=2&a=1&b=1"],
    ["https://example.com/?q=a%20b&flag&p=/x:y", "https://example.com/?flag&p=/x:y&q=a%20b"],
    ["https://example.com/?&&b=1&", "https://example.com/?b=1"],
    ["https://example.com/app#/settings", "https://example.com/app#/settings"],
    ["https://example.com/app#!/inbox", "https://example.com/app#!/inbox"],
  ])("%s → %s", (raw, canonical) => {
    expect(canonicalizeUrl(raw)).toBe(canonical);
  });
});

describe("cache key", () => {
  const url = "https://example.com/page";

  it("is the same whether defaults are given or left out", () => {
    expect(keyOf({ url })).toBe(keyOf({ url, width: 1280, height: 720, format: "png" }));
    expect(keyOf({ url, format: "jpeg" })).toBe(keyOf({ url, format: "jpeg", quality: 80 }));
  });

  it("ignores query order, fragment and tracking parameters", () => {
    expect(keyOf({ url: "https://example.com/p?a=1&b=2" })).toBe(
      keyOf({ url: "https://EXAMPLE.com/p?b=2&utm_source=news&a=1#top" }),
    );
  });

  it.each([
    { width: 800 },
    { height: 600 },
    { scale: 2 },
    { fullPage: true },
    { format: "webp" as const },
    { format: "jpeg" as const, quality: 50 },
    { waitUntil: "networkidle0" as const },
    { delay: 100 },
    { cacheKey: "tenant-a" },
    { selector: "#main" },
    { waitForSelector: ".ready" },
    { darkMode: true },
    { reducedMotion: true },
    { hideSelectors: [".ad"] },
    { css: "body { background: red }" },
    { js: "document.title = 'x'" },
    { userAgent: "shotcache-test" },
    { format: "avif" as const },
    { omitBackground: true },
    { mediaType: "print" as const },
    { click: "#accept" },
    { hover: "nav a" },
    { blockResources: ["image" as const] },
    { imageWidth: 320 },
    { imageHeight: 200 },
    { device: "iPhone X" },
    { blockCookieBanners: true },
    { blockAds: true },
    { clip: "0,0,100,100" },
    { headers: { "X-Tenant": "acme" } },
    { format: "pdf" as const },
    { format: "pdf" as const, paperSize: "letter" as const },
  ])("changes with an output option: %j", (change) => {
    expect(keyOf({ url, ...change })).not.toBe(keyOf({ url }));
  });

  it("covers every option of the schema but the page: in the key, a cache control, or change analysis", () => {
    // The page is the key's URL part; given markup is keyed by the address made from its hash.
    const schemaOptions = Object.keys(captureOptionsObjectSchema.shape).filter(
      (k) => k !== "url" && k !== "html",
    );
    expect(
      [
        ...OUTPUT_OPTIONS,
        ...LATER_OUTPUT_OPTIONS,
        ...CACHE_CONTROL_OPTIONS,
        ...CHANGE_ANALYSIS_OPTIONS,
      ].sort(),
    ).toEqual(schemaOptions.sort());
  });

  it("keeps the keys of captures made before the later options existed", () => {
    // Keys as the first release computed them: an upgrade must not turn every entry into a miss.
    expect(keyOf({ url: "https://example.com/" })).toBe("v1:DxFdsGK3wN0DCxaH:mqM1MtJgruzCxzS3");
    expect(
      keyOf({
        url: "https://example.com/a?b=1",
        width: 800,
        format: "webp",
        quality: 50,
        fullPage: true,
        hideSelectors: [".ad"],
        darkMode: true,
      }),
    ).toBe("v1:bLVHrHPuI7ehWCNi:0uLpB-PKr54Uezrt");
    // A later option at its default is the same image, and the same key.
    expect(
      keyOf({
        url,
        omitBackground: false,
        mediaType: "screen",
        blockCookieBanners: false,
        blockAds: false,
      }),
    ).toBe(keyOf({ url }));
  });

  it("keys a device by what it renders, and headers however they are spelled", () => {
    expect(keyOf({ url, device: "iPhone X" })).not.toBe(
      keyOf({ url, width: 375, height: 812, scale: 3 }),
    );
    expect(keyOf({ url, headers: ["X-Tenant: acme"] })).toBe(
      keyOf({ url, headers: { "x-tenant": "acme" } }),
    );
    expect(keyOf({ url, headers: {} })).toBe(keyOf({ url }));
  });

  it("reads blocked resource types as a set", () => {
    expect(keyOf({ url, blockResources: ["font", "image"] })).toBe(
      keyOf({ url, blockResources: ["image", "font"] }),
    );
  });

  it("ignores cache controls", () => {
    expect(
      keyOf({ url, ttl: 5, noCache: true, refresh: true, staleIfError: 9, timeout: 5_000 }),
    ).toBe(keyOf({ url }));
  });

  it("shares the URL part between the variants of one URL", () => {
    const a = cacheKeyFor(captureOptionsSchema.parse({ url, width: 800 }));
    const b = cacheKeyFor(captureOptionsSchema.parse({ url: `${url}#x`, format: "webp" }));
    expect(a.urlKey).toBe(b.urlKey);
    expect(a.urlKey).toBe(urlKeyFor(url).urlKey);
    expect(a.key).not.toBe(b.key);
    expect(a.key.startsWith(`v1:${a.urlKey}:`)).toBe(true);
  });
});

describe("CDN tags", () => {
  it("name the URL for every variant, and each variant of each URL on its own", () => {
    const tagsOf = (input: CaptureInput) => surrogateKeysOf(keyOf(input));
    const [urlTag, variantTag] = tagsOf({ url: "https://a.test/page" });
    const [, otherVariant] = tagsOf({ url: "https://a.test/page", width: 800 });
    const [otherUrl, samePresetElsewhere] = tagsOf({ url: "https://b.test/page" });
    expect(tagsOf({ url: "https://a.test/page", width: 800 })[0]).toBe(urlTag);
    expect(new Set([variantTag, otherVariant, samePresetElsewhere]).size).toBe(3);
    expect(otherUrl).not.toBe(urlTag);
    expect([urlTag, variantTag].join(" ")).not.toContain("a.test");
  });
});
