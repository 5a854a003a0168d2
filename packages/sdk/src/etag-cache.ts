import { LRUCache } from "lru-cache";

/** A response the client may replay when the server answers 304. */
export interface CachedResponse {
  etag: string;
  /** The `Content-Type` of the 200 that carried `etag`. */
  contentType: string;
  /** Its body, base64 (a cache may keep text only, in memory or in a file). */
  body: string;
}

/** Where the client keeps responses by request URL. */
export interface ETagCache {
  get(url: string): CachedResponse | undefined;
  set(url: string, response: CachedResponse): void;
}

/** Whether a value read back is a response this SDK kept (a file may hold anything). */
export const isCachedResponse = (value: unknown): value is CachedResponse => {
  const held = value as CachedResponse;
  return (
    typeof held?.etag === "string" &&
    typeof held.contentType === "string" &&
    typeof held.body === "string"
  );
};

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
