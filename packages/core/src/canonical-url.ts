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

function parameterName(pair: string): string {
  const raw = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return raw; // malformed escape: compare it as written
  }
}

/** A fragment that is a client-side route (`#/path`, `#!/path`) selects a different page. */
const ROUTE_FRAGMENT = /^#!?\//;

/**
 * The form of a URL used for cache keys, and the URL rendered: scheme and host lower-cased and
 * the default port dropped (WHATWG URL parsing does both), tracking parameters removed, the other
 * parameters sorted by name, and the fragment dropped unless it is a client-side route.
 *
 * Each parameter keeps its own text (`a%20b` stays, a bare `flag` stays bare): re-encoding the query
 * would change the request some servers receive.
 */
export function canonicalizeUrl(raw: string): string {
  const url = new URL(raw);
  if (!ROUTE_FRAGMENT.test(url.hash)) url.hash = "";
  if (url.search) {
    const pairs = url.search
      .slice(1)
      .split("&")
      .filter((pair) => pair !== "" && !isTrackingParam(parameterName(pair)))
      .map((pair) => ({ pair, name: parameterName(pair) }));
    // Stable sort: repeated parameters keep their relative order, which may matter to the page.
    pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    url.search = pairs.map(({ pair }) => pair).join("&");
  }
  return url.href;
}
