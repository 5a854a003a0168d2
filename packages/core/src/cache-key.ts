import { canonicalizeUrl } from "./canonical-url";
import { shortHash } from "./hash";
import type { CaptureOptions } from "./options";

/**
 * Every option of the first release that changes the image, in a fixed order, and the caller's own
 * variant name. A new option goes to LATER_OUTPUT_OPTIONS, or to CACHE_CONTROL_OPTIONS or
 * CHANGE_ANALYSIS_OPTIONS if it does not change the image (a test checks that the schema and the
 * lists agree).
 */
export const OUTPUT_OPTIONS = [
  "width",
  "height",
  "scale",
  "fullPage",
  "format",
  "quality",
  "waitUntil",
  "delay",
  "selector",
  "waitForSelector",
  "darkMode",
  "reducedMotion",
  "hideSelectors",
  "css",
  "js",
  "userAgent",
  "cacheKey",
] as const satisfies readonly (keyof CaptureOptions)[];

/**
 * Output options added after the first release. They enter the key only when one of them differs
 * from its default, so the keys of captures without them stay what they were (an upgrade causes
 * no storm of misses).
 */
export const LATER_OUTPUT_OPTIONS = [
  "omitBackground",
  "mediaType",
  "click",
  "hover",
  "blockResources",
  "imageWidth",
  "imageHeight",
  "device",
  "clip",
  "headers",
  "paperSize",
  "blockCookieBanners",
  "blockAds",
  "timezone",
  "locale",
  "geolocation",
  "cookies",
] as const satisfies readonly (keyof CaptureOptions)[];
const LATER_DEFAULTS: Partial<Record<(typeof LATER_OUTPUT_OPTIONS)[number], unknown>> = {
  omitBackground: false,
  mediaType: "screen",
  blockCookieBanners: false,
  blockAds: false,
};

/** Options that decide how the cache is used for one request, and so are not part of the key. */
export const CACHE_CONTROL_OPTIONS = [
  "timeout",
  "ttl",
  "noCache",
  "refresh",
  "staleWhileRevalidate",
  "staleIfError",
] as const satisfies readonly (keyof CaptureOptions)[];

/**
 * Options of change analysis (change-options.ts): how an image is compared with its previous
 * version, not how it looks. Not part of the key: callers who mask differently share one render.
 */
export const CHANGE_ANALYSIS_OPTIONS = [
  "ignoreSelectors",
  "ignoreRegions",
  "changeThreshold",
] as const satisfies readonly (keyof CaptureOptions)[];

/** Bump when the key derivation or the stored image changes, so old entries are never read. */
const KEY_VERSION = "v1";

export interface CacheKey {
  /** The URL as keyed: see {@link canonicalizeUrl}. */
  canonicalUrl: string;
  /** Identifies the URL; shared by all its variants, used to purge them together. */
  urlKey: string;
  /** Identifies one variant: the URL plus every output option. */
  key: string;
}

/** The key shared by every variant of `url`. */
export function urlKeyFor(url: string): Pick<CacheKey, "canonicalUrl" | "urlKey"> {
  const canonicalUrl = canonicalizeUrl(url);
  return { canonicalUrl, urlKey: shortHash(canonicalUrl, 16) };
}

/** The cache key of capture options: the capture service keeps it per options object. */
export function cacheKeyFor(options: CaptureOptions): CacheKey {
  const { canonicalUrl, urlKey } = urlKeyFor(options.url);
  const values: unknown[] = OUTPUT_OPTIONS.map((name) => options[name] ?? null);
  const later = LATER_OUTPUT_OPTIONS.map((name) =>
    options[name] === LATER_DEFAULTS[name] ? null : (options[name] ?? null),
  );
  if (later.some((value) => value !== null)) values.push(...later);
  const variant = shortHash(JSON.stringify(values), 16);
  return { canonicalUrl, urlKey, key: `${keyPrefixOf(urlKey)}${variant}` };
}

/** What every variant key of a URL starts with. */
export const keyPrefixOf = (urlKey: string) => `${KEY_VERSION}:${urlKey}:`;

/** The CDN tag (surrogate key) of every variant of a URL: a short hash, never the URL itself. */
export const urlTagOf = (urlKey: string) => `shotcache-url-${urlKey}`;

/**
 * The CDN tags of a variant, from its cache key (`v1:<url key>:<variant>`): its URL's, and its
 * own, which names the URL too (the same options on another page are another variant).
 */
export function surrogateKeysOf(key: string): [urlTag: string, variantTag: string] {
  const [, urlKey = "", variant = ""] = key.split(":");
  return [urlTagOf(urlKey), `shotcache-variant-${urlKey}-${variant}`];
}
