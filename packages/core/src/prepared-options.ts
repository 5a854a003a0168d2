/** @module What a capture's options decide before any I/O, worked out once per options object. */
import { type CacheKey, cacheKeyFor } from "./cache-key";
import { type CachePolicy, type CachingDecision, decideCaching } from "./cache-policy";
import type { CaptureOptions } from "./options";

export interface PreparedOptions {
  id: CacheKey;
  /** The options with the URL as keyed: what is rendered. */
  target: CaptureOptions;
  caching: CachingDecision;
}

/**
 * Kept by options object: the hit path is the same options asked again and again (the REST parse
 * cache hands back one frozen object per query), and hashing, URL parsing and the TTL rules are
 * most of a hit's work.
 */
export function createOptionsMemo(
  policy: CachePolicy,
): (options: CaptureOptions) => PreparedOptions {
  const prepared = new WeakMap<CaptureOptions, PreparedOptions>();
  return (options) => {
    let known = prepared.get(options);
    if (!known) {
      const id = cacheKeyFor(options);
      known = {
        id,
        target: { ...options, url: id.canonicalUrl },
        caching: decideCaching(options, id.canonicalUrl, policy),
      };
      prepared.set(options, known);
    }
    return known;
  };
}
