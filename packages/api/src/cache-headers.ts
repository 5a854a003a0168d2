import type { CaptureResult } from "@shotcache/core";

/** The last HTTP date made: a hit serves the same entry, and so the same date, again and again. */
let lastDate = { ms: Number.NaN, text: "" };
function httpDate(ms: number): string {
  if (lastDate.ms !== ms) lastDate = { ms, text: new Date(ms).toUTCString() };
  return lastDate.text;
}

/**
 * The cache facts of a capture as HTTP headers, shared by REST and tRPC. `shared` marks a
 * response that shared caches may keep (signed public URLs); `etag` replaces the image's own
 * (tRPC's JSON answer is only weakly the same).
 *
 * `max-age` is the entry's whole lifetime and `Age` how much of it has passed, as RFC 9111 §4.2
 * has a downstream cache compute freshness (lifetime − Age); sending the remaining time as
 * `max-age` together with `Age` would subtract the age twice. `X-Cache-TTL` states the remaining
 * seconds plainly.
 */
export function cacheHeaders(
  result: CaptureResult,
  options: { shared?: boolean; etag?: string } = {},
): Record<string, string> {
  const lifetime = result.ageSeconds + result.ttlSeconds;
  const headers: Record<string, string> = {
    etag: options.etag ?? result.etag,
    "last-modified": httpDate(result.capturedAt),
    age: String(result.ageSeconds),
    // A signed public URL may be kept by shared caches (a CDN); anything else only by the caller.
    "cache-control":
      result.ttlSeconds <= 0
        ? "no-store"
        : options.shared
          ? `public, max-age=${lifetime}, s-maxage=${lifetime}`
          : `private, max-age=${lifetime}`,
    "x-cache": result.status,
    "x-cache-age": String(result.ageSeconds),
    "x-cache-ttl": String(result.ttlSeconds),
    "x-cache-key": result.cacheKey,
  };
  if (result.status !== "HIT" && result.status !== "STALE") {
    headers["x-render-time"] = String(result.renderMs);
  }
  if (result.reason) headers["x-cache-reason"] = result.reason;
  return headers;
}
