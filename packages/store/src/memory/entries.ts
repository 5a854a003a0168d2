import { type EntryStore, type StoredShot, withRatio } from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { PURGE_MARKER_SECONDS } from "../store-defaults";
import { lruClock } from "./clock";

/** Bytes charged per entry on top of the image, for its key, metadata and index slot. */
const ENTRY_OVERHEAD_BYTES = 512;

export interface MemoryEntryOptions {
  /** Upper bound on the bytes held; least recently used entries are dropped first. */
  maxBytes: number;
  /** Largest image stored; larger ones are refused. */
  maxEntryBytes: number;
  /** The clock given to the store, if any. */
  now: (() => number) | undefined;
}

interface MemoryEntry {
  urlKey: string;
  shot: StoredShot;
}

/** Bytes kept beside the entries, under the same cap (the images of versions). */
interface MemoryBlob {
  blob: Uint8Array;
}

/** Bytes of other kinds kept in the entries' LRU, so that one cap bounds everything held. */
export interface MemoryBlobs {
  set(id: string, bytes: Uint8Array, ttlMs: number): void;
  get(id: string): Uint8Array | undefined;
  has(id: string): boolean;
  delete(id: string): void;
}

/**
 * The images, in a byte-bounded LRU with a TTL per entry, and an index from each URL to its
 * variants so that a purge by URL removes them all. Also what they weigh, for the statistics.
 */
export function createMemoryEntries(options: MemoryEntryOptions): EntryStore & {
  /** The entries held now and the bytes of their images and of the blobs. */
  storage(): { entries: number; bytes: number };
  blobs: MemoryBlobs;
  clear(): void;
} {
  const variantsByUrl = new Map<string, Set<string>>();
  /** When each URL was last purged, by the service's clock; older renders may not store. */
  const purgedAt = new Map<string, number>();

  function markPurged(urlKey: string, at: number): void {
    purgedAt.set(urlKey, Math.max(purgedAt.get(urlKey) ?? 0, at));
    // Forget marks old enough that no render started before them can still be running.
    for (const [key, markedAt] of purgedAt) {
      if (markedAt < at - PURGE_MARKER_SECONDS * 1000) purgedAt.delete(key);
    }
  }

  let blobCount = 0;
  const bytesOf = (value: MemoryEntry | MemoryBlob) =>
    "blob" in value ? value.blob.byteLength : value.shot.bytes.byteLength;
  const entries = new LRUCache<string, MemoryEntry | MemoryBlob>({
    maxSize: options.maxBytes,
    sizeCalculation: (value) => bytesOf(value) + ENTRY_OVERHEAD_BYTES,
    ...lruClock(options.now),
    // Called whenever a value leaves (eviction, expiry, delete, overwrite): keeps the index exact.
    dispose: (entry, key) => {
      if ("blob" in entry) {
        blobCount--;
        return;
      }
      const variants = variantsByUrl.get(entry.urlKey);
      variants?.delete(key);
      if (variants?.size === 0) variantsByUrl.delete(entry.urlKey);
    },
  });

  /** An entry of the cache, not a blob, under `key`. */
  const entryAt = (key: string, read = entries.get.bind(entries)) => {
    const value = read(key);
    return value && "shot" in value ? value : undefined;
  };

  return {
    async get(key) {
      return entryAt(key)?.shot;
    },

    async set(key, urlKey, shot, keepSeconds) {
      if (shot.bytes.byteLength > options.maxEntryBytes) return "too-large";
      if ((purgedAt.get(urlKey) ?? -Infinity) > shot.capturedAt - shot.renderMs) {
        return "superseded";
      }
      // lru-cache reads a TTL of 0 as "never expires"; an entry that is never fresh is not kept.
      if (keepSeconds <= 0) return "stored";
      entries.set(key, { urlKey, shot }, { ttl: keepSeconds * 1000 });
      // lru-cache refuses an entry larger than its whole cap; index only what it kept.
      if (!entries.has(key)) return "too-large";
      let variants = variantsByUrl.get(urlKey);
      if (!variants) {
        variants = new Set();
        variantsByUrl.set(urlKey, variants);
      }
      variants.add(key);
      return "stored";
    },

    async noteEntryChange(key, _urlKey, { etag, signature, ratio, changedAt }) {
      const entry = entryAt(key, entries.peek.bind(entries));
      if (entry?.shot.etag !== etag) return;
      entry.shot = {
        ...entry.shot,
        changeRatios: withRatio(entry.shot.changeRatios, signature, ratio),
        changedAt: changedAt ?? entry.shot.changedAt,
      };
    },

    async delete(key, urlKey, at) {
      markPurged(urlKey, at);
      return entries.delete(key);
    },

    async purgeUrl(urlKey, at) {
      markPurged(urlKey, at);
      const variants = [...(variantsByUrl.get(urlKey) ?? [])];
      let purged = 0;
      for (const key of variants) if (entries.delete(key)) purged++;
      variantsByUrl.delete(urlKey);
      return purged;
    },

    async inspect(urlKey) {
      return [...(variantsByUrl.get(urlKey) ?? [])].flatMap((key) => {
        const entry = entryAt(key, entries.peek.bind(entries));
        if (!entry) return [];
        const { bytes, ...facts } = entry.shot;
        return [{ ...facts, key, size: facts.object?.size ?? bytes.byteLength }];
      });
    },

    storage() {
      entries.purgeStale();
      return {
        entries: entries.size - blobCount,
        bytes: entries.calculatedSize - entries.size * ENTRY_OVERHEAD_BYTES,
      };
    },

    blobs: {
      set(id, blob, ttlMs) {
        entries.set(id, { blob }, { ttl: ttlMs });
        // Counted once it is held: lru-cache refuses a value larger than its whole cap.
        if (entries.has(id)) blobCount++;
      },
      get: (id) => {
        const value = entries.get(id);
        return value && "blob" in value ? value.blob : undefined;
      },
      has: (id) => entries.has(id),
      delete: (id) => void entries.delete(id),
    },

    clear: () => entries.clear(),
  };
}
