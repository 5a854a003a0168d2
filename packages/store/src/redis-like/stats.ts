import {
  COUNTED_URLS_KEPT,
  HOUR_MS,
  HOURLY_RETENTION_HOURS,
  type PurgeRecord,
  RECENT_PURGES_KEPT,
  type StatsStore,
  TOP_URLS_REPORTED,
  type UrlRecord,
} from "@shotcache/core";
import { hashFromReply, hourStarts, snapshotFrom } from "../stats-fields";
import type { UrlHistory } from "../url-history";
import { listOf, type RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";
import type { StorageAccounting } from "./storage-accounting";

/** Seconds an hourly statistics bucket is kept: its retention plus the hour itself. */
export const HOUR_BUCKET_TTL_SECONDS = (HOURLY_RETENTION_HOURS * HOUR_MS) / 1000 + 3600;

/** What the statistics read from the store's other concerns. */
export interface StatsSources {
  /** What the store holds. */
  storage: Pick<StorageAccounting, "read">;
  /** A URL's history of renders, reported with the most requested URLs. */
  urlHistory(urlKey: string): Promise<UrlHistory>;
}

/** A stored purge record, or nothing when it cannot be read (statistics never fail a read). */
function purgeRecordFrom(stored: unknown): PurgeRecord[] {
  try {
    const record = typeof stored === "string" ? JSON.parse(stored) : stored;
    const { at, url, scope, purged } = record as PurgeRecord;
    const valid =
      typeof at === "number" &&
      typeof url === "string" &&
      (scope === "url" || scope === "variant") &&
      typeof purged === "number";
    return valid ? [{ at, url, scope, purged }] : [];
  } catch {
    return [];
  }
}

/**
 * The shared statistics, as hashes of counts (see stats-fields): all-time counters, one hash per
 * hour, histograms, the latest purges, and requests per URL.
 */
export function createRedisStats(
  driver: RedisDriver,
  keys: RedisKeys["stats"],
  sources: StatsSources,
): StatsStore {
  /** The most requested URLs with their histories: one call for the ranking, one per URL. */
  async function readTopUrls(): Promise<UrlRecord[]> {
    const flat = listOf(
      await driver.runScript(
        "readTopUrls",
        [keys.urlRequests, keys.urlHits, keys.urlNames],
        [TOP_URLS_REPORTED],
      ),
    ).map(String);
    const ranked = Array.from({ length: flat.length / 4 }, (_, i) => flat.slice(4 * i, 4 * i + 4));
    return Promise.all(
      ranked.map(async ([urlKey = "", url = "", requests, hits]) => ({
        url,
        requests: Number(requests),
        hits: Number(hits),
        ...(await sources.urlHistory(urlKey)),
      })),
    );
  }

  return {
    async recordStats(deltas) {
      for (const delta of deltas) {
        const urls = Object.entries(delta.urls);
        if (urls.length > 0) {
          await driver.runScript(
            "recordUrlRequests",
            [keys.urlRequests, keys.urlHits, keys.urlNames],
            [
              COUNTED_URLS_KEPT,
              ...urls.flatMap(([urlKey, { url, requests, hits }]) => [urlKey, url, requests, hits]),
            ],
          );
        }
        const counters = Object.entries(delta.counters);
        const histograms = Object.entries(delta.histograms);
        await driver.runScript(
          "recordStats",
          [keys.counters, keys.hour(delta.hourStart), keys.histograms, keys.recentPurges],
          [
            HOUR_BUCKET_TTL_SECONDS,
            RECENT_PURGES_KEPT,
            counters.length,
            histograms.length,
            ...counters.flat(),
            ...histograms.flat(),
            // Only what the list keeps: a script's arguments are unpacked onto Lua's stack.
            ...delta.purges.slice(-RECENT_PURGES_KEPT).map((purge) => JSON.stringify(purge)),
          ],
        );
      }
    },

    async readStats(query) {
      const starts = hourStarts(query.now, query.hours);
      const [counters, histograms, ...hours] = await driver.readHashes([
        keys.counters,
        keys.histograms,
        ...starts.map(keys.hour),
      ]);
      const [storage, purges, topUrls] = await Promise.all([
        sources.storage.read(Date.now()),
        driver.readList(keys.recentPurges),
        readTopUrls(),
      ]);
      return snapshotFrom({
        counters: hashFromReply(counters ?? null),
        histograms: hashFromReply(histograms ?? null),
        hourly: starts.map((start, index) => ({
          hourStart: start,
          fields: hashFromReply(hours[index] ?? null),
        })),
        storage,
        recentPurges: purges.flatMap(purgeRecordFrom),
        topUrls,
      });
    },
  };
}
