import { type CaptureResult, surrogateKeysOf } from "@shotcache/core";

/** The last HTTP date made: a hit serves the same entry, and so the same date, again and again. */
let lastDate = { ms: Number.NaN, text: "" };
function httpDate(ms: number): string {
  if (lastDate.ms !== ms) lastDate = { ms, text: new Date(ms).toUTCString() };
  return lastDate.text;
}

export interface CacheHeaderOptions {
  /** Shared caches (a CDN) may keep the answer: a signed public URL. */
  shared?: boolean;
  /** Replaces the image's own ETag (tRPC's JSON answer is only weakly the same). */
  etag?: string;
  /** The caller's stale windows, in seconds, told to shared caches (RFC 5861). */
  staleWhileRevalidate?: number;
  staleIfError?: number;
  /** Longest time caches may keep the answer, in seconds (a redirect to a short-lived URL). */
  freshForAtMost?: number;
}

/**
 * How long caches may keep the answer. The caller's own cache gets the entry's whole lifetime as
 * `max-age` and `Age` for how much of it has passed, as RFC 9111 §4.2 has a cache compute
 * freshness (lifetime − Age).
 *
 * A public answer goes through shared caches, and not all of them read `Age`: nginx does not, so
 * `max-age=<lifetime>` would keep an old image up to twice its lifetime there. It gets the
 * remaining time as `max-age` and `s-maxage` and no `Age` instead: right in every cache, whether
 * it reads `Age` or not, and each cache adds its own `Age` downstream. (The remaining time with
 * `Age` would be subtracted twice by Varnish or Fastly, and an image older than what it has left
 * would not be cached at all.) `X-Cache-Age` still says how old the image is.
 */
function freshness(result: CaptureResult, options: CacheHeaderOptions): Record<string, string> {
  const ttl = Math.min(result.ttlSeconds, options.freshForAtMost ?? Number.POSITIVE_INFINITY);
  if (ttl <= 0) return { age: String(result.ageSeconds), "cache-control": "no-store" };
  if (!options.shared) {
    const lifetime = result.ageSeconds + ttl;
    return { age: String(result.ageSeconds), "cache-control": `private, max-age=${lifetime}` };
  }
  const directives = [`public, max-age=${ttl}`, `s-maxage=${ttl}`];
  if (options.staleWhileRevalidate) {
    directives.push(`stale-while-revalidate=${options.staleWhileRevalidate}`);
  }
  if (options.staleIfError) directives.push(`stale-if-error=${options.staleIfError}`);
  const [urlTag, variantTag] = surrogateKeysOf(result.cacheKey);
  return {
    "cache-control": directives.join(", "),
    // Tags to purge by: Fastly and Varnish (xkey) read the first, Cloudflare the second.
    "surrogate-key": `${urlTag} ${variantTag}`,
    "cache-tag": `${urlTag},${variantTag}`,
  };
}

/**
 * A ratio in four decimals (`0.0312`), never in exponent form; a change too small for them still
 * shows (`0.0001`), so the ratio says no change only with `X-Content-Changed: false`.
 */
export const changeRatioText = (ratio: number) =>
  ratio > 0 && ratio < 0.0001 ? "0.0001" : ratio.toFixed(4);

/**
 * The cache facts of a capture as HTTP headers, shared by REST and tRPC. `Last-Modified` is when
 * the content last changed (an unchanged re-render keeps it), `X-Content-Changed` whether the
 * image changed beyond the capture's threshold since the variant's previous version (absent for a
 * first render), and `X-Content-Change-Ratio` by how much, once measured (see capture-result.ts).
 */
export function cacheHeaders(
  result: CaptureResult,
  options: CacheHeaderOptions = {},
): Record<string, string> {
  const headers = freshness(result, options);
  headers.etag = options.etag ?? result.etag;
  headers["last-modified"] = httpDate(result.changedAt);
  headers["x-cache"] = result.status;
  headers["x-cache-age"] = String(result.ageSeconds);
  headers["x-cache-ttl"] = String(result.ttlSeconds);
  headers["x-cache-key"] = result.cacheKey;
  if (result.status !== "HIT" && result.status !== "STALE") {
    headers["x-render-time"] = String(result.renderMs);
  }
  if (result.reason) headers["x-cache-reason"] = result.reason;
  if (result.changed !== undefined) headers["x-content-changed"] = String(result.changed);
  if (result.changeRatio !== undefined) {
    headers["x-content-change-ratio"] = changeRatioText(result.changeRatio);
  }
  if (result.ttlSource) headers["x-cache-ttl-source"] = result.ttlSource;
  return headers;
}
