import { LRUCache } from "lru-cache";

/** A response the client may replay when the server answers 304. */
export interface CachedResponse {
  etag: string;
  /** The JSON body of the 200 that carried `etag`. */
  body: string;
}

/** Where the client keeps responses by request URL. */
export interface ETagCache {
  get(url: string): CachedResponse | undefined;
  set(url: string, response: CachedResponse): void;
}

/** The default: in memory, bounded by the characters it holds. */
export function createMemoryETagCache(maxChars = 64 * 1024 * 1024): ETagCache {
  const entries = new LRUCache<string, CachedResponse>({
    maxSize: maxChars,
    sizeCalculation: (response) => response.body.length + response.etag.length,
  });
  return {
    get: (url) => entries.get(url),
    set: (url, response) => {
      entries.set(url, response);
    },
  };
}
