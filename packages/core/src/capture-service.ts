import { cacheKeyFor, urlKeyFor } from "./cache-key";
import { etagFor } from "./etag";
import type { CaptureOptions } from "./options";
import type { CacheCounter, CacheStore, CounterValues, Renderer, StoredShot } from "./ports";
import { DEFAULT_TTL_POLICY, type TtlPolicy, ttlFor } from "./ttl-policy";

/** How a capture was answered: from the cache, by a render that was stored, or by one that wasn't. */
export type CacheStatus = "HIT" | "MISS" | "BYPASS";

export interface CaptureResult {
  bytes: Uint8Array;
  contentType: string;
  etag: string;
  cacheKey: string;
  status: CacheStatus;
  /** Why the cache was bypassed, when `status` is `BYPASS`. */
  bypassReason: string | undefined;
  /** When the image was rendered (epoch ms). */
  capturedAt: number;
  /** Whole seconds since the render. */
  ageSeconds: number;
  /** Whole seconds the image stays fresh; 0 when it was not stored. */
  ttlSeconds: number;
  /** How long the render took, in ms. */
  renderMs: number;
}

export interface CacheStats extends CounterValues {
  /** Captures answered, whatever their status. */
  requests: number;
  /** Share of cacheable captures answered from the cache: hits / (hits + misses + coalesced). */
  hitRate: number;
}

export interface CaptureServiceOptions {
  store: CacheStore;
  renderer: Renderer;
  ttlPolicy?: TtlPolicy;
  /** Clock in epoch ms; tests pass their own. */
  now?: () => number;
  /** Told about store failures, which never fail a capture. */
  onStoreError?: (error: unknown, operation: string) => void;
}

export interface CaptureService {
  capture(options: CaptureOptions): Promise<CaptureResult>;
  /** Drops every cached variant of `url`; resolves to how many entries were removed. */
  purge(url: string): Promise<{ purged: number }>;
  stats(): Promise<CacheStats>;
}

const secondsBetween = (from: number, to: number) => Math.max(0, Math.floor((to - from) / 1000));

export function createCaptureService(options: CaptureServiceOptions): CaptureService {
  const { store, renderer } = options;
  const ttlPolicy = options.ttlPolicy ?? DEFAULT_TTL_POLICY;
  const now = options.now ?? Date.now;
  const onStoreError = options.onStoreError ?? (() => {});
  /** Renders under way, by cache key: concurrent misses of one key share one render. */
  const inFlight = new Map<string, Promise<CaptureResult>>();

  function count(counter: CacheCounter): void {
    // Statistics must never slow down or fail a capture.
    store.incrementCounters({ [counter]: 1 }).catch((error) => onStoreError(error, "count"));
  }

  function fromShot(
    shot: StoredShot,
    cacheKey: string,
    status: CacheStatus,
    bypassReason?: string,
  ): CaptureResult {
    const at = now();
    return {
      bytes: shot.bytes,
      contentType: shot.contentType,
      etag: shot.etag,
      cacheKey,
      status,
      bypassReason,
      capturedAt: shot.capturedAt,
      ageSeconds: secondsBetween(shot.capturedAt, at),
      ttlSeconds: status === "BYPASS" ? 0 : Math.max(0, Math.ceil((shot.expiresAt - at) / 1000)),
      renderMs: shot.renderMs,
    };
  }

  async function renderAndStore(
    captureOptions: CaptureOptions,
    key: string,
    urlKey: string,
    canonicalUrl: string,
  ): Promise<CaptureResult> {
    const started = now();
    // The page rendered is the one keyed: every caller sharing this entry asked for this URL.
    const image = await renderer.render({ ...captureOptions, url: canonicalUrl });
    const capturedAt = now();
    const ttlSeconds = ttlFor(canonicalUrl, ttlPolicy);
    const shot: StoredShot = {
      ...image,
      etag: etagFor(image.bytes),
      capturedAt,
      expiresAt: capturedAt + ttlSeconds * 1000,
      renderMs: capturedAt - started,
    };
    try {
      await store.set(key, urlKey, shot, ttlSeconds);
    } catch (error) {
      onStoreError(error, "set");
      count("bypasses");
      return fromShot(shot, key, "BYPASS", "store-unavailable");
    }
    count("misses");
    return fromShot(shot, key, "MISS");
  }

  async function capture(captureOptions: CaptureOptions): Promise<CaptureResult> {
    const { key, urlKey, canonicalUrl } = cacheKeyFor(captureOptions);
    // Checked before the store: a lookup racing the end of a render must not start another.
    const pending = inFlight.get(key);
    if (pending) {
      count("coalesced");
      return pending;
    }
    let cached: StoredShot | undefined;
    try {
      cached = await store.get(key);
    } catch (error) {
      onStoreError(error, "get");
    }
    if (cached && cached.expiresAt > now()) {
      count("hits");
      return fromShot(cached, key, "HIT");
    }

    const joined = inFlight.get(key);
    if (joined) {
      count("coalesced");
      return joined;
    }
    const render = renderAndStore(captureOptions, key, urlKey, canonicalUrl).finally(() =>
      inFlight.delete(key),
    );
    inFlight.set(key, render);
    return render;
  }

  async function purge(url: string): Promise<{ purged: number }> {
    const purged = await store.purgeUrl(urlKeyFor(url).urlKey);
    count("purges");
    return { purged };
  }

  async function stats(): Promise<CacheStats> {
    const counters = await store.readCounters();
    const cacheable = counters.hits + counters.misses + counters.coalesced;
    return {
      ...counters,
      requests: cacheable + counters.bypasses,
      hitRate: cacheable === 0 ? 0 : counters.hits / cacheable,
    };
  }

  return { capture, purge, stats };
}
