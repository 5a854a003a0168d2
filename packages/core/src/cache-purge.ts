/**
 * @module Purges: the origin's entries first, then the CDNs in front (by tag, and by the exact
 * public URLs noted as they were answered).
 */
import { LRUCache } from "lru-cache";
import { type CacheKey, cacheKeyFor, surrogateKeysOf, urlKeyFor, urlTagOf } from "./cache-key";
import type { CachingDecision } from "./cache-policy";
import type { CaptureResult, PurgeOutcome, PurgeRequest } from "./capture-result";
import type { CdnPurge } from "./cdn-purge";
import { storeUnavailable } from "./errors";
import type { StatsRecorder } from "./stats-recorder";
import type { EntryStore, PublicUrlStore } from "./store-ports";

/** What purging needs of the store. */
type PurgeStore = Pick<EntryStore, "delete" | "purgeUrl"> & PublicUrlStore;

export interface CachePurgeOptions {
  store: PurgeStore;
  cdnPurge: CdnPurge;
  now: () => number;
  record: StatsRecorder["record"];
  onStoreError: (error: unknown, operation: string) => void;
  /** Renders of the URL under way here stop taking joiners: the store refuses their images. */
  forgetRendersOf: (urlKey: string) => void;
  /** Given the store writes nobody awaits, so the host can wait for them (`idle()`). */
  track: (work: Promise<unknown>) => void;
}

export interface CachePurge {
  purge(request: PurgeRequest, requestedAt?: number): Promise<PurgeOutcome>;
  /** Notes a public URL a CDN may keep `result` at, for CDNs that purge by exact URL. */
  notePublicAnswer(
    id: CacheKey,
    caching: CachingDecision,
    result: CaptureResult,
    url: string,
  ): void;
}

export function createCachePurge(options: CachePurgeOptions): CachePurge {
  const { store, cdnPurge, now, record, onStoreError } = options;
  /** Public answers already noted, by variant, render and URL: a hit notes nothing new. */
  const noted = new LRUCache<string, true>({ max: 10_000 });

  async function purge(request: PurgeRequest, requestedAt?: number): Promise<PurgeOutcome> {
    const started = requestedAt ?? now();
    const at = now();
    const { urlKey } = urlKeyFor(request.url);
    const key = request.options ? cacheKeyFor(request.options).key : undefined;
    let purged: number;
    try {
      options.forgetRendersOf(urlKey);
      purged = key
        ? (await store.delete(key, urlKey, at))
          ? 1
          : 0
        : await store.purgeUrl(urlKey, at);
    } catch (cause) {
      throw storeUnavailable(cause);
    }
    const tag = key ? surrogateKeysOf(key)[1] : urlTagOf(urlKey);
    // The origin purge is done: a failed lookup of the public URLs costs only the purges by URL.
    const urls = cdnPurge.byUrl
      ? await store.takePublicUrls(urlKey, key).catch((error: unknown) => {
          onStoreError(error, "public URLs");
          return [];
        })
      : [];
    // Only once the origin has dropped it: a CDN refetching sooner would keep the old image.
    const cdn = await cdnPurge.purge({ tags: [tag], urls });
    record({
      counters: { purges: 1 },
      purgeLagMs: now() - started,
      purge: { at, url: request.url, scope: request.options ? "variant" : "url", purged },
    });
    return { purged, cdn };
  }

  function notePublicAnswer(
    id: CacheKey,
    caching: CachingDecision,
    result: CaptureResult,
    url: string,
  ): void {
    if (!cdnPurge.byUrl || !caching.cacheable || result.ttlSeconds <= 0) return;
    const answer = `${result.cacheKey} ${result.capturedAt} ${url}`;
    if (noted.has(answer)) return;
    noted.set(answer, true);
    const keepSeconds = result.ttlSeconds + caching.staleSeconds;
    options.track(
      store.rememberPublicUrl(id.key, id.urlKey, url, keepSeconds).catch((error) => {
        noted.delete(answer); // noted again on the next answer
        onStoreError(error, "remember public URL");
      }),
    );
  }

  return { purge, notePublicAnswer };
}
