import { randomUUID } from "node:crypto";
import {
  CACHE_COUNTERS,
  type CacheStore,
  type CounterValues,
  HOUR_MS,
  HOURLY_RETENTION_HOURS,
  type StoredShot,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { DEFAULT_MAX_ENTRY_BYTES } from "./redis-layout";
import { hourStarts, snapshotFrom, statsFields } from "./stats-fields";

/** Bytes charged per entry on top of the image, for its key, metadata and index slot. */
const ENTRY_OVERHEAD_BYTES = 512;

export interface MemoryStoreOptions {
  /** Upper bound on the bytes held; least recently used entries are dropped first. @default 256 MiB */
  maxBytes?: number;
  /** Largest image stored; larger ones are refused. @default 8 MiB */
  maxEntryBytes?: number;
  /** Monotonic clock in ms for expiry of entries and locks. @default performance.now */
  now?: () => number;
}

interface MemoryEntry {
  urlKey: string;
  shot: StoredShot;
}

export const zeroCounters = (): CounterValues =>
  Object.fromEntries(CACHE_COUNTERS.map((name) => [name, 0])) as CounterValues;

function increment(fields: Map<string, number>, name: string, delta: number): void {
  fields.set(name, (fields.get(name) ?? 0) + delta);
}

/**
 * The embedded default: an in-process, byte-bounded LRU with a TTL per entry, and an index from
 * each URL to its variants so that a purge by URL removes them all. Its locks and statistics are
 * this process's own.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): CacheStore {
  const now = options.now ?? (() => performance.now());
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const variantsByUrl = new Map<string, Set<string>>();
  const locks = new Map<string, { token: string; expiresAt: number }>();
  const counters = new Map<string, number>();
  const hours = new Map<number, Map<string, number>>();
  const histograms = new Map<string, number>();

  const entries = new LRUCache<string, MemoryEntry>({
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (entry) => entry.shot.bytes.byteLength + ENTRY_OVERHEAD_BYTES,
    // A given clock is read on every check: lru-cache would otherwise reuse a reading for 1 ms.
    ...(options.now ? { perf: { now }, ttlResolution: 0 } : {}),
    // Called whenever an entry leaves (eviction, expiry, delete, overwrite): keeps the index exact.
    dispose: (entry, key) => {
      const variants = variantsByUrl.get(entry.urlKey);
      variants?.delete(key);
      if (variants?.size === 0) variantsByUrl.delete(entry.urlKey);
    },
  });

  return {
    kind: "memory",

    async get(key) {
      return entries.get(key)?.shot;
    },

    async set(key, urlKey, shot, ttlSeconds) {
      if (shot.bytes.byteLength > maxEntryBytes) return false;
      // lru-cache reads a TTL of 0 as "never expires"; an entry that is never fresh is not kept.
      if (ttlSeconds <= 0) return true;
      entries.set(key, { urlKey, shot }, { ttl: ttlSeconds * 1000 });
      // lru-cache refuses an entry larger than its whole cap; index only what it kept.
      if (!entries.has(key)) return false;
      let variants = variantsByUrl.get(urlKey);
      if (!variants) {
        variants = new Set();
        variantsByUrl.set(urlKey, variants);
      }
      variants.add(key);
      return true;
    },

    async delete(key) {
      return entries.delete(key);
    },

    async purgeUrl(urlKey) {
      const variants = [...(variantsByUrl.get(urlKey) ?? [])];
      let purged = 0;
      for (const key of variants) if (entries.delete(key)) purged++;
      variantsByUrl.delete(urlKey);
      return purged;
    },

    async acquireLock(name, ttlMs) {
      const held = locks.get(name);
      if (held && held.expiresAt > now()) return undefined;
      const token = randomUUID();
      locks.set(name, { token, expiresAt: now() + ttlMs });
      return token;
    },

    async releaseLock(name, token) {
      if (locks.get(name)?.token === token) locks.delete(name);
    },

    async recordStats(event) {
      const fields = statsFields(event);
      if (fields.counters.length > 0) {
        let hour = hours.get(fields.hour);
        if (!hour) {
          hour = new Map();
          hours.set(fields.hour, hour);
          const oldest = fields.hour - HOURLY_RETENTION_HOURS * HOUR_MS;
          for (const start of hours.keys()) if (start <= oldest) hours.delete(start);
        }
        for (const [name, delta] of fields.counters) {
          increment(counters, name, delta);
          increment(hour, name, delta);
        }
      }
      for (const [name, delta] of fields.histograms) increment(histograms, name, delta);
    },

    async readStats(query) {
      entries.purgeStale();
      return snapshotFrom({
        counters,
        hourly: hourStarts(query.now, query.hours).map((start) => ({
          hourStart: start,
          fields: hours.get(start),
        })),
        histograms,
        storage: {
          entries: entries.size,
          bytes: entries.calculatedSize - entries.size * ENTRY_OVERHEAD_BYTES,
        },
      });
    },

    async close() {
      entries.clear();
      locks.clear();
    },
  };
}
