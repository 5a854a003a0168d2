import {
  COUNTED_URLS_KEPT,
  HOUR_MS,
  HOURLY_RETENTION_HOURS,
  type PurgeRecord,
  RECENT_PURGES_KEPT,
  type StatsStore,
  TOP_URLS_REPORTED,
} from "@shotcache/core";
import { hourStarts, snapshotFrom } from "../stats-fields";
import type { UrlHistory } from "../url-history";

/** What the statistics read from the store's other concerns. */
export interface MemoryStatsSources {
  /** The entries held now and their image bytes. */
  storage(): { entries: number; bytes: number };
  /** A URL's history of renders, reported with the most requested URLs. */
  peekUrlHistory(urlKey: string): UrlHistory | undefined;
}

function increment(fields: Map<string, number>, name: string, delta: number): void {
  fields.set(name, (fields.get(name) ?? 0) + delta);
}

/** This process's statistics, as field maps like the Redis hashes (see stats-fields). */
export function createMemoryStats(sources: MemoryStatsSources): StatsStore {
  /** Requests per URL key; past twice COUNTED_URLS_KEPT, the least requested go. */
  const urlRequests = new Map<string, { url: string; requests: number; hits: number }>();
  const counters = new Map<string, number>();
  const hours = new Map<number, Map<string, number>>();
  const histograms = new Map<string, number>();
  /** Newest first. */
  let recentPurges: PurgeRecord[] = [];

  const mostRequested = () => [...urlRequests].sort(([, a], [, b]) => b.requests - a.requests);

  return {
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
      const storage = sources.storage();
      const topUrls = mostRequested()
        .slice(0, TOP_URLS_REPORTED)
        .map(([urlKey, counted]) => {
          const history = sources.peekUrlHistory(urlKey);
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
        storage,
        recentPurges,
        topUrls,
      });
    },
  };
}
