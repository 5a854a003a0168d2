/** Query parameters that identify a campaign or a click, never the page. */
const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "msclkid",
  "mc_cid",
  "mc_eid",
  "yclid",
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * The form of a URL used for cache keys: scheme and host lower-cased and the default port dropped
 * (WHATWG URL parsing does both), fragment removed, tracking parameters removed, query sorted.
 */
export function canonicalizeUrl(raw: string): string {
  const url = new URL(raw);
  url.hash = "";
  if (url.search) {
    for (const name of new Set(url.searchParams.keys())) {
      if (isTrackingParam(name)) url.searchParams.delete(name);
    }
    // Stable sort: repeated parameters keep their relative order, which may matter to the page.
    url.searchParams.sort();
    if (url.searchParams.size === 0) url.search = "";
  }
  return url.href;
}
