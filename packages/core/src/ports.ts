import type { CaptureOptions } from "./options";

/** A rendered image as the cache keeps it. Times are epoch milliseconds. */
export interface StoredShot {
  bytes: Uint8Array;
  contentType: string;
  etag: string;
  /** When the render finished. */
  capturedAt: number;
  /** When the entry stops being fresh. */
  expiresAt: number;
  /** How long the render took. */
  renderMs: number;
}

/**
 * Counters every instance shares through the store. `coalesced` counts captures that waited for a
 * render another request had started, instead of rendering themselves.
 */
export const CACHE_COUNTERS = ["hits", "misses", "coalesced", "bypasses", "purges"] as const;
export type CacheCounter = (typeof CACHE_COUNTERS)[number];
export type CounterValues = Record<CacheCounter, number>;

/** Where screenshots are cached. Implemented by `@shotcache/store`. */
export interface CacheStore {
  /** Short name for logs and health output, e.g. `memory`. */
  readonly kind: string;
  get(key: string): Promise<StoredShot | undefined>;
  /** Stores `shot` under `key` for `ttlSeconds`, and records `key` as a variant of `urlKey`. */
  set(key: string, urlKey: string, shot: StoredShot, ttlSeconds: number): Promise<void>;
  /** Removes every variant recorded for `urlKey`; resolves to how many entries were removed. */
  purgeUrl(urlKey: string): Promise<number>;
  incrementCounters(deltas: Partial<CounterValues>): Promise<void>;
  readCounters(): Promise<CounterValues>;
  close(): Promise<void>;
}

export interface RenderedImage {
  bytes: Uint8Array;
  contentType: string;
}

/** Turns capture options into an image. Implemented by `@shotcache/renderer`. */
export interface Renderer {
  /** Rejects with a `CaptureError` whose code says why the capture failed. */
  render(options: CaptureOptions): Promise<RenderedImage>;
  close(): Promise<void>;
}
