import { PUBLIC_URLS_KEPT, type PublicUrlStore } from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { lruClock } from "./clock";

/** The public URLs answered per URL, each URL's set expiring as a whole. */
export function createMemoryPublicUrls(now: (() => number) | undefined): PublicUrlStore {
  /** By URL key: public URL → variant key, oldest first. */
  const publicUrls = new LRUCache<string, Map<string, string>>({
    max: 100_000,
    ...lruClock(now),
  });

  return {
    async rememberPublicUrl(key, urlKey, url, keepSeconds) {
      const urls = publicUrls.get(urlKey) ?? new Map<string, string>();
      urls.delete(url); // noted again: now the newest
      urls.set(url, key);
      for (const oldest of urls.keys()) {
        if (urls.size <= PUBLIC_URLS_KEPT) break;
        urls.delete(oldest);
      }
      // Kept as long as the longest-kept entry it names may be (0 when it is new).
      const ttl = Math.max(keepSeconds * 1000, publicUrls.getRemainingTTL(urlKey));
      publicUrls.set(urlKey, urls, { ttl });
    },

    async takePublicUrls(urlKey, key) {
      const urls = publicUrls.get(urlKey);
      if (!urls) return [];
      const taken = [...urls].filter(([, variant]) => key === undefined || variant === key);
      for (const [url] of taken) urls.delete(url);
      if (urls.size === 0) publicUrls.delete(urlKey);
      return taken.map(([url]) => url);
    },
  };
}
