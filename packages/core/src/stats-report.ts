import { CACHE_STATUSES, type CacheStatus } from "./cache-status";
import { expectedChangeIntervalSeconds } from "./change-history";
import { CACHE_COUNTERS, type CounterValues, OUTCOME_COUNTERS, zeroCounters } from "./counters";
import {
  AGE_BOUNDS_S,
  type KeyUsage,
  LATENCY_BOUNDS_MS,
  PURGE_LAG_BOUNDS_MS,
  type PurgeRecord,
  type Quantiles,
  quantiles,
  type StatsSnapshot,
} from "./stats";

/** Counters with the figures derived from them. */
export interface CounterReport extends CounterValues {
  /** Captures answered, whatever their status. */
  requests: number;
  /** Share of cache-using captures answered from the cache: (hits + stale) / all but bypasses. */
  hitRate: number;
}

/** What `stats.get` reports: every figure the store keeps, quantiles derived from histograms. */
export interface CacheStats extends CounterReport {
  /** Hourly buckets, oldest first; `hourStart` is an ISO time. */
  hourly: ({ hourStart: string } & CounterReport)[];
  /** The hourly buckets added up: the figures of the hours asked for. */
  hoursTotal: CounterReport;
  /** Capture latency by status, in ms (bucket upper bounds; null when empty or past the last). */
  latencyMs: Record<CacheStatus, Quantiles>;
  /** Age of images served from the cache, in seconds. */
  hitAgeSeconds: Quantiles;
  /** How long purges took, in ms. */
  purgeLagMs: Quantiles;
  /** Entries held and their image bytes. */
  storage: { entries: number; bytes: number };
  /** The latest purges, newest first; `at` is an ISO time. */
  recentPurges: (Omit<PurgeRecord, "at"> & { at: string })[];
  /** The most requested URLs, most requested first. */
  topUrls: TopUrl[];
  /** Captures and renders per API key (by its id, never the key), most captures first. */
  keys: KeyUsage[];
}

/** A URL in `topUrls`. */
export interface TopUrl {
  url: string;
  /** Captures of any of its variants. */
  requests: number;
  /** Share of them answered from the cache. */
  hitRate: number;
  /** Renders, and how many changed the image since the variant's previous render. */
  renders: number;
  changes: number;
  /** Expected seconds between changes, as the adaptive TTL estimates it; null with no interval seen yet. */
  changeIntervalSeconds: number | null;
}

export function reportCounters(counters: CounterValues): CounterReport {
  const requests = OUTCOME_COUNTERS.reduce((sum, name) => sum + counters[name], 0);
  const fromCache = counters.hits + counters.stale;
  const usingCache = requests - counters.bypasses;
  return { ...counters, requests, hitRate: usingCache === 0 ? 0 : fromCache / usingCache };
}

function sumCounters(all: CounterValues[]): CounterValues {
  const total = zeroCounters();
  for (const counters of all) for (const name of CACHE_COUNTERS) total[name] += counters[name];
  return total;
}

/**
 * The statistics as reported. `defaultTtlSeconds` is the prior of the change-interval estimate,
 * as for the adaptive TTL.
 */
export function deriveStats(snapshot: StatsSnapshot, defaultTtlSeconds: number): CacheStats {
  return {
    ...reportCounters(snapshot.counters),
    hourly: snapshot.hourly.map(({ hourStart, counters }) => ({
      hourStart: new Date(hourStart).toISOString(),
      ...reportCounters(counters),
    })),
    hoursTotal: reportCounters(sumCounters(snapshot.hourly.map((hour) => hour.counters))),
    latencyMs: Object.fromEntries(
      CACHE_STATUSES.map((status) => [
        status,
        quantiles(snapshot.latency[status], LATENCY_BOUNDS_MS),
      ]),
    ) as Record<CacheStatus, Quantiles>,
    hitAgeSeconds: quantiles(snapshot.hitAge, AGE_BOUNDS_S),
    purgeLagMs: quantiles(snapshot.purgeLag, PURGE_LAG_BOUNDS_MS),
    storage: snapshot.storage,
    recentPurges: snapshot.recentPurges.map((purge) => ({
      ...purge,
      at: new Date(purge.at).toISOString(),
    })),
    topUrls: snapshot.topUrls.map((record) => ({
      url: record.url,
      requests: record.requests,
      hitRate: record.requests === 0 ? 0 : record.hits / record.requests,
      renders: record.renders,
      changes: record.changes,
      changeIntervalSeconds:
        record.intervals.length === 0
          ? null
          : Math.round(expectedChangeIntervalSeconds(record.intervals, 2 * defaultTtlSeconds)),
    })),
    keys: snapshot.keyUsage,
  };
}
