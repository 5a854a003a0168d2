import { randomUUID } from "node:crypto";
import {
  type CacheStore,
  COUNTED_URLS_KEPT,
  HISTORY_KEEP_SECONDS,
  HOUR_MS,
  HOURLY_RETENTION_HOURS,
  intervalClosedBy,
  type ObservedInterval,
  observe,
  PUBLIC_URLS_KEPT,
  type PurgeRecord,
  RECENT_PURGES_KEPT,
  type RenderObservation,
  type StoredShot,
  TOP_URLS_REPORTED,
  URL_INTERVALS_KEPT,
  VARIANT_RENDERS_KEPT,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { DEFAULT_MAX_ENTRY_BYTES, PURGE_MARKER_SECONDS } from "./redis-layout";
import { hourStarts, snapshotFrom } from "./stats-fields";

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

/** A URL's history of renders, across its variants. */
interface UrlHistory {
  renders: number;
  changes: number;
  intervals: ObservedInterval[];
}

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
  /** When each URL was last purged, by the service's clock; older renders may not store. */
  const purgedAt = new Map<string, number>();

  function markPurged(urlKey: string, at: number): void {
    purgedAt.set(urlKey, Math.max(purgedAt.get(urlKey) ?? 0, at));
    // Forget marks old enough that no render started before them can still be running.
    for (const [key, markedAt] of purgedAt) {
      if (markedAt < at - PURGE_MARKER_SECONDS * 1000) purgedAt.delete(key);
    }
  }
  // Locks nobody releases (one-time claims such as webhook deliveries) would pile up: expired ones
  // are dropped, in one pass at most once a minute so an acquire stays O(1) on average.
  let nextLockSweepAt = 0;
  function sweepExpiredLocks(): void {
    const at = now();
    if (at < nextLockSweepAt) return;
    nextLockSweepAt = at + 60_000;
    for (const [name, lock] of locks) if (lock.expiresAt <= at) locks.delete(name);
  }
  /** By URL key: public URL → variant key, oldest first; each URL's map expires as a whole. */
  const publicUrls = new LRUCache<string, Map<string, string>>({
    max: 100_000,
    ...(options.now ? { perf: { now }, ttlResolution: 0 } : {}),
  });
  const historyOptions = {
    max: 100_000,
    ttl: HISTORY_KEEP_SECONDS * 1000,
    ...(options.now ? { perf: { now }, ttlResolution: 0 } : {}),
  };
  /** By variant key, newest first. */
  const variantRenders = new LRUCache<string, RenderObservation[]>(historyOptions);
  const urlHistories = new LRUCache<string, UrlHistory>(historyOptions);
  /** Requests per URL key; past twice COUNTED_URLS_KEPT, the least requested go. */
  const urlRequests = new Map<string, { url: string; requests: number; hits: number }>();
  /** By id; times are the callers' (epoch ms). */
  const watches = new Map<
    string,
    { definition: string; everyMs: number; nextRunAt: number; etag?: string }
  >();
  const counters = new Map<string, number>();
  const hours = new Map<number, Map<string, number>>();
  const histograms = new Map<string, number>();
  /** Newest first. */
  let recentPurges: PurgeRecord[] = [];

  const mostRequested = () => [...urlRequests].sort(([, a], [, b]) => b.requests - a.requests);

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
    inProcess: true,

    async get(key) {
      return entries.get(key)?.shot;
    },

    async set(key, urlKey, shot, keepSeconds) {
      if (shot.bytes.byteLength > maxEntryBytes) return "too-large";
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

    async acquireLock(name, ttlMs) {
      sweepExpiredLocks();
      const held = locks.get(name);
      if (held && held.expiresAt > now()) return undefined;
      const token = randomUUID();
      locks.set(name, { token, expiresAt: now() + ttlMs });
      return token;
    },

    async releaseLock(name, token) {
      if (locks.get(name)?.token === token) locks.delete(name);
    },

    async renewLock(name, token, ttlMs) {
      const held = locks.get(name);
      if (held?.token !== token || held.expiresAt <= now()) return false;
      held.expiresAt = now() + ttlMs;
      return true;
    },

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

    async noteRender(key, urlKey, render) {
      const earlier = variantRenders.get(key) ?? [];
      const latest = observe(earlier[0], render);
      const variant = [latest, ...earlier].slice(0, VARIANT_RENDERS_KEPT);
      variantRenders.set(key, variant);
      const history = urlHistories.get(urlKey) ?? { renders: 0, changes: 0, intervals: [] };
      const interval = intervalClosedBy(earlier[0], latest);
      history.renders++;
      if (interval) {
        if (interval.changed) history.changes++;
        history.intervals = [interval, ...history.intervals].slice(0, URL_INTERVALS_KEPT);
      }
      urlHistories.set(urlKey, history);
      return { variant, urlIntervals: history.intervals };
    },

    async saveWatch(id, definition, everySeconds, firstRunAt) {
      watches.set(id, { definition, everyMs: everySeconds * 1000, nextRunAt: firstRunAt });
    },

    async listWatches() {
      return [...watches].map(([id, { definition, nextRunAt }]) => ({ id, definition, nextRunAt }));
    },

    async deleteWatch(id) {
      return watches.delete(id);
    },

    async claimDueWatches(at, limit) {
      const due = [...watches]
        .filter(([, watch]) => watch.nextRunAt <= at)
        .sort(([, a], [, b]) => a.nextRunAt - b.nextRunAt)
        .slice(0, limit);
      for (const [, watch] of due) {
        const next = watch.nextRunAt + watch.everyMs;
        watch.nextRunAt = next > at ? next : at + watch.everyMs;
      }
      return due.map(([id, { definition }]) => ({ id, definition }));
    },

    async swapWatchEtag(id, etag) {
      const watch = watches.get(id);
      const previous = watch?.etag;
      if (watch) watch.etag = etag;
      return previous;
    },

    async recordStats(deltas) {
      for (const delta of deltas) {
        let hour = hours.get(delta.hourStart);
        if (!hour) {
          hour = new Map();
          hours.set(delta.hourStart, hour);
          const oldest = delta.hourStart - HOURLY_RETENTION_HOURS * HOUR_MS;
          for (const start of hours.keys()) if (start <= oldest) hours.delete(start);
        }
        for (const [name, by] of Object.entries(delta.counters)) {
          increment(counters, name, by);
          increment(hour, name, by);
        }
        for (const [name, by] of Object.entries(delta.histograms)) increment(histograms, name, by);
        recentPurges = [...delta.purges.toReversed(), ...recentPurges].slice(0, RECENT_PURGES_KEPT);
        for (const [urlKey, { url, requests, hits }] of Object.entries(delta.urls)) {
          const counted = urlRequests.get(urlKey) ?? { url, requests: 0, hits: 0 };
          counted.requests += requests;
          counted.hits += hits;
          urlRequests.set(urlKey, counted);
        }
        if (urlRequests.size > 2 * COUNTED_URLS_KEPT) {
          for (const [urlKey] of mostRequested().slice(COUNTED_URLS_KEPT))
            urlRequests.delete(urlKey);
        }
      }
    },

    async readStats(query) {
      entries.purgeStale();
      const topUrls = mostRequested()
        .slice(0, TOP_URLS_REPORTED)
        .map(([urlKey, counted]) => {
          const history = urlHistories.peek(urlKey);
          return {
            ...counted,
            renders: history?.renders ?? 0,
            changes: history?.changes ?? 0,
            intervals: history?.intervals ?? [],
          };
        });
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
        recentPurges,
        topUrls,
      });
    },

    async close() {
      entries.clear();
      locks.clear();
    },
  };
}
