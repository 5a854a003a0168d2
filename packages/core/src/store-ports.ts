/**
 * @module The cache store's ports, one interface per concern, so that a part of core that needs
 * only locks (say) asks for only a `LockStore`, and a fake of it in a test is small.
 * `CacheStore` joins them all: `@shotcache/store` implements it, and every implementation passes
 * the same conformance suite. Throughout, `key` is a variant's cache key and `urlKey` the key of
 * its URL (see `cacheKeyFor`).
 */
import type { BatchStore } from "./batches";
import type { TtlSource } from "./cache-policy";
import type { RenderNote } from "./change-history";
import type { StatsDelta, StatsSnapshot } from "./stats";
import type { VersionStore } from "./versions";

/** An image kept in an object store (a bucket) instead of in the entry itself. */
export interface StoredObject {
  /** The object's key in the bucket. */
  key: string;
  /** The image's size in bytes. */
  size: number;
}

/** Whether a value read back from a store is a `StoredObject` (never trusted blindly). */
export function isStoredObject(value: unknown): value is StoredObject {
  const object = value as StoredObject;
  return (
    typeof object === "object" &&
    object !== null &&
    typeof object.key === "string" &&
    Number.isSafeInteger(object.size)
  );
}

/**
 * How a caller wants an entry's image: its bytes, or, where they are in a bucket that can hand
 * them out itself, a short-lived URL of them (`location`) and no bytes.
 */
export type EntryRead = "bytes" | "location";

/** A rendered image as the cache keeps it. Times are epoch milliseconds. */
export interface StoredShot {
  /** The image; empty when a store keeps it in a bucket (`object`), or answers with `location`. */
  bytes: Uint8Array;
  /** Where the image is kept, when in a bucket (see `withObjectBucket` in @shotcache/bucket). */
  object?: StoredObject;
  /** A short-lived URL of the image, when it was read as a location (see `EntryRead`). */
  location?: string;
  contentType: string;
  etag: string;
  /** When the render finished. */
  capturedAt: number;
  /** When the content last changed: this render, or the first earlier one with the same image. */
  changedAt: number;
  /** Whether the image differs from the variant's previous render; unknown for a first one. */
  changed?: boolean;
  /**
   * How much it differs from the variant's previous version (0–1), by the signature of the masks
   * measured with (see `maskSignature`): noted after the answer, once measured.
   */
  changeRatios?: Record<string, number>;
  /** When the entry stops being fresh. */
  expiresAt: number;
  /** Where its TTL came from (unknown for entries stored before this was kept). */
  ttlSource?: TtlSource;
  /** How long the render took. */
  renderMs: number;
}

export type SetOutcome = "stored" | "too-large" | "superseded";

/** One cached variant as `inspect` describes it. */
export interface StoredVariant extends Omit<StoredShot, "bytes"> {
  key: string;
  /** Image size in bytes. */
  size: number;
}

/** The cached images: each variant's entry, indexed by its URL so a purge can reach them all. */
export interface EntryStore {
  /**
   * The entry, or undefined when absent or unreadable (a corrupt entry is never served). An entry
   * past its freshness (`expiresAt`) is still returned while the store keeps it, for stale serving.
   * `read` "location" lets a store whose image is elsewhere answer its URL instead of its bytes.
   */
  get(key: string, urlKey: string, read?: EntryRead): Promise<StoredShot | undefined>;
  /**
   * Keeps `shot` under `key` for `keepSeconds` and records `key` as a variant of `urlKey`, unless
   * it is larger than the store accepts (`too-large`) or the URL was purged after its render began
   * (`superseded`: the image predates the purge).
   */
  set(key: string, urlKey: string, shot: StoredShot, keepSeconds: number): Promise<SetOutcome>;
  /**
   * Adds a change ratio to the entry of `key`, if it still shows the image `etag` (a newer render
   * may have replaced it meanwhile), and a revised time of change if given; its expiry unchanged.
   */
  noteEntryChange(
    key: string,
    urlKey: string,
    change: { etag: string; signature: string; ratio: number; changedAt?: number },
  ): Promise<void>;
  /** Removes one variant; resolves to whether it existed. `at` is the purge time (epoch ms). */
  delete(key: string, urlKey: string, at: number): Promise<boolean>;
  /** Removes every variant of `urlKey`; resolves to how many entries were removed. */
  purgeUrl(urlKey: string, at: number): Promise<number>;
  /** The variants of `urlKey` the store holds, by cache key, without their bytes' content. */
  inspect(urlKey: string): Promise<StoredVariant[]>;
}

/**
 * Named locks with an expiry, shared by every instance using the store: one render per cache key
 * at a time, and one-time claims such as a webhook delivery.
 */
export interface LockStore {
  /** Takes the named lock for `ttlMs` unless it is held; resolves to a release token, or undefined. */
  acquireLock(name: string, ttlMs: number): Promise<string | undefined>;
  /** Releases a lock taken with `token`; a lock since taken by someone else is left alone. */
  releaseLock(name: string, token: string): Promise<void>;
  /** Makes a lock still held with `token` last `ttlMs` from now; resolves to whether it was held. */
  renewLock(name: string, token: string, ttlMs: number): Promise<boolean>;
}

/** Public URLs noted per page, for CDNs that purge by exact URL. */
export const PUBLIC_URLS_KEPT = 1_000;

/**
 * The public URLs (ones a CDN may keep) that answered with each variant, so that a purge can tell
 * a CDN that purges by exact URL which URLs to drop.
 */
export interface PublicUrlStore {
  /**
   * Notes that the public URL `url` answered with variant `key` of `urlKey`, for at least
   * `keepSeconds`; the latest PUBLIC_URLS_KEPT of a URL are kept.
   */
  rememberPublicUrl(key: string, urlKey: string, url: string, keepSeconds: number): Promise<void>;
  /** The public URLs noted for `urlKey` (only variant `key`'s, when given), forgotten as read. */
  takePublicUrls(urlKey: string, key?: string): Promise<string[]>;
}

/** How often each URL's image changes between renders, from which adaptive TTLs are set. */
export interface RenderHistoryStore {
  /**
   * Notes a render of variant `key` of `url` (keyed `urlKey`) in its history, in one step for
   * every instance sharing the store: the variant's latest renders (see `observe`) and the URL's
   * intervals between renders and counts of renders and changes, all kept HISTORY_KEEP_SECONDS
   * past the latest render. Resolves to the histories as they now are.
   */
  noteRender(
    key: string,
    urlKey: string,
    render: { url: string; etag: string; at: number },
  ): Promise<RenderNote>;
  /**
   * Counts the render of `key` that finished at `at` (epoch ms) as no change after all: its
   * image differs from the one before, but less than its capture's threshold. The variant's
   * history keeps the earlier time of change, and the URL's interval and count of changes lose
   * it. Resolves to the render's time of change now, or undefined when it is no longer kept (or
   * was no change).
   */
  reviseRender(key: string, urlKey: string, at: number): Promise<number | undefined>;
}

/** Watches (pages re-rendered on a schedule) and their schedule, shared by every instance. */
export interface WatchStore {
  /**
   * Keeps a watch (`definition` is its JSON, opaque to the store) and schedules its first run at
   * `firstRunAt` (epoch ms); it then runs every `everySeconds`.
   */
  saveWatch(
    id: string,
    definition: string,
    everySeconds: number,
    firstRunAt: number,
  ): Promise<void>;
  /** Every watch kept, with when it next runs (epoch ms). */
  listWatches(): Promise<{ id: string; definition: string; nextRunAt: number }[]>;
  /** Forgets a watch; resolves to whether it existed. */
  deleteWatch(id: string): Promise<boolean>;
  /**
   * Claims up to `limit` watches due by `now` (epoch ms), each for one run: in one step for every
   * instance sharing the store, it moves their next run one interval on (past `now`), so no other
   * instance claims them for this interval.
   */
  claimDueWatches(now: number, limit: number): Promise<{ id: string; definition: string }[]>;
  /** Remembers the ETag a watch last saw; resolves to the one it saw before, if any. */
  swapWatchEtag(id: string, etag: string): Promise<string | undefined>;
}

/** The statistics every instance adds to and the stats page reads. */
export interface StatsStore {
  /** Adds figures to the shared statistics. */
  recordStats(deltas: StatsDelta[]): Promise<void>;
  /** The statistics, with the `hours` hourly buckets up to `now` (epoch ms). */
  readStats(query: { now: number; hours: number }): Promise<StatsSnapshot>;
}

/** What a store is apart from what it keeps: its name, where it answers from, and its closing. */
export interface StoreHandle {
  /** Short name for logs and health output, e.g. `memory`. */
  readonly kind: string;
  /** Answers from this process's memory, with no I/O: its calls need no deadline. */
  readonly inProcess?: boolean;
  close(): Promise<void>;
}

/** Where screenshots are cached, with everything else the service shares between instances. */
export interface CacheStore
  extends StoreHandle,
    EntryStore,
    LockStore,
    PublicUrlStore,
    RenderHistoryStore,
    WatchStore,
    BatchStore,
    StatsStore,
    VersionStore {}
