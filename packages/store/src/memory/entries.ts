import type { EntryStore, StoredShot } from "@shotcache/core";
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

/**
 * The images, in a byte-bounded LRU with a TTL per entry, and an index from each URL to its
 * variants so that a purge by URL removes them all. Also what they weigh, for the statistics.
 */
export function createMemoryEntries(options: MemoryEntryOptions): EntryStore & {
  /** The entries held now and their image bytes. */
  storage(): { entries: number; bytes: number };
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

  const entries = new LRUCache<string, MemoryEntry>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => entry.shot.bytes.byteLength + ENTRY_OVERHEAD_BYTES,
    ...lruClock(options.now),
    // Called whenever an entry leaves (eviction, expiry, delete, overwrite): keeps the index exact.
    dispose: (entry, key) => {
      const variants = variantsByUrl.get(entry.urlKey);
      variants?.delete(key);
      if (variants?.size === 0) variantsByUrl.delete(entry.urlKey);
    },
  });

  return {
    async get(key) {
      return entries.get(key)?.shot;
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
        const entry = entries.peek(key);
        if (!entry) return [];
        const { bytes, ...facts } = entry.shot;
        return [{ ...facts, key, size: bytes.byteLength }];
      });
    },

    storage() {
      entries.purgeStale();
      return {
        entries: entries.size,
        bytes: entries.calculatedSize - entries.size * ENTRY_OVERHEAD_BYTES,
      };
    },

    clear: () => entries.clear(),
  };
}
