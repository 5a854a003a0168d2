import type { CacheStatus } from "./cache-status";
import type { ObservedInterval } from "./change-history";
import type { CounterValues } from "./counters";

/** Upper bounds (ms) of the capture latency histogram; a last bucket holds everything above. */
export const LATENCY_BOUNDS_MS = [
  5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000,
];
/** Upper bounds (seconds) of the histogram of the age of images served from the cache. */
export const AGE_BOUNDS_S = [1, 10, 60, 300, 900, 3_600, 6 * 3_600, 86_400, 7 * 86_400];
/** Upper bounds (ms) of the histogram of purge durations. */
export const PURGE_LAG_BOUNDS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 5_000];

/** Hourly buckets are kept this long. */
export const HOURLY_RETENTION_HOURS = 7 * 24;

/** How many of the latest purges the statistics keep, newest first. */
export const RECENT_PURGES_KEPT = 20;

/** One purge, as the statistics remember it. */
export interface PurgeRecord {
  /** When it was made (epoch ms). */
  at: number;
  /** The URL purged, as the caller gave it. */
  url: string;
  /** Every variant of the URL, or the one its options select. */
  scope: "url" | "variant";
  /** How many cached entries it removed. */
  purged: number;
}

/** URLs whose requests the statistics count (the most requested stay); `topUrls` reports fewer. */
export const COUNTED_URLS_KEPT = 1_000;
/** URLs `topUrls` reports, most requested first. */
export const TOP_URLS_REPORTED = 20;

/** What the statistics know of one URL: its requests, and its history of renders. */
export interface UrlRecord {
  url: string;
  /** Captures of any variant of the URL. */
  requests: number;
  /** Of those, answered from the cache (HIT or STALE). */
  hits: number;
  /** Renders noted in its history, and how many of them changed the image. */
  renders: number;
  changes: number;
  /** The latest intervals between renders of one variant, newest first. */
  intervals: ObservedInterval[];
}

/** What one capture or purge adds to the statistics. */
export interface StatsEvent {
  /** When it happened (epoch ms): selects the hourly bucket. */
  at: number;
  counters: Partial<CounterValues>;
  /** How long a capture took to answer, by how it was answered. */
  latency?: { status: CacheStatus; ms: number };
  /** Age of an image served from the cache. */
  hitAgeSeconds?: number;
  /** How long a purge took. */
  purgeLagMs?: number;
  /** The purge itself, for the list of recent purges. */
  purge?: PurgeRecord;
  /** The URL a capture was for, counted per URL (`urlKey` keys it), and whether from the cache. */
  url?: { urlKey: string; url: string; fromCache: boolean };
  /** The API key a capture was made with (its id), and whether it was answered by a render. */
  apiKey?: { id: string; rendered: boolean };
}

/** One API key's usage: captures made with it, and how many of them were rendered. */
export interface KeyUsage {
  /** The key's id (the first 12 hex digits of its SHA-256 digest), never the key. */
  key: string;
  captures: number;
  renders: number;
}

/** Counter fields of per-key usage: `key:<id>:captures`, `key:<id>:renders`. */
const keyUsageField = (id: string, figure: "captures" | "renders") => `key:${id}:${figure}`;
const KEY_USAGE_FIELD = /^key:([0-9a-f]{12}):(captures|renders)$/;

/** Per-key usage from counter fields (names and counts), most captures first. */
export function keyUsageFrom(fields: Iterable<[string, number]>): KeyUsage[] {
  const usage = new Map<string, KeyUsage>();
  for (const [name, count] of fields) {
    const [, key, figure] = KEY_USAGE_FIELD.exec(name) ?? [];
    if (!key || !figure) continue;
    const counted = usage.get(key) ?? { key, captures: 0, renders: 0 };
    counted[figure as "captures" | "renders"] += count;
    usage.set(key, counted);
  }
  return [...usage.values()].sort((a, b) => b.captures - a.captures);
}

/** A histogram as counts per bucket: index i counts values ≤ bounds[i] (and > bounds[i−1]). */
export type Histogram = number[];

/** Everything a store keeps, as it keeps it; the capture service derives rates and quantiles. */
export interface StatsSnapshot {
  counters: CounterValues;
  /** The requested hours, oldest first; hours with no traffic are present with zeros. */
  hourly: { hourStart: number; counters: CounterValues }[];
  latency: Record<CacheStatus, Histogram>;
  hitAge: Histogram;
  purgeLag: Histogram;
  storage: { entries: number; bytes: number };
  /** The latest purges (at most `RECENT_PURGES_KEPT`), newest first. */
  recentPurges: PurgeRecord[];
  /** The most requested URLs (at most `TOP_URLS_REPORTED`), most requested first. */
  topUrls: UrlRecord[];
  /** Usage per API key, most captures first. */
  keyUsage: KeyUsage[];
}

export const HOUR_MS = 3_600_000;
export const hourStart = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS;

/** Index of the first bucket whose upper bound holds `value`; past the last bound, one more. */
export function bucketIndex(value: number, bounds: readonly number[]): number {
  const index = bounds.findIndex((bound) => value <= bound);
  return index === -1 ? bounds.length : index;
}

export const emptyHistogram = (bounds: readonly number[]): Histogram =>
  new Array(bounds.length + 1).fill(0);

export interface Quantiles {
  count: number;
  /** Upper bounds of the buckets holding the quantile; `null` when there are no samples, and
   * `Infinity` when it lies past the last bound. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Quantiles of a histogram, each reported as the upper bound of the bucket it falls in. */
export function quantiles(histogram: Histogram, bounds: readonly number[]): Quantiles {
  const count = histogram.reduce((sum, n) => sum + n, 0);
  const at = (q: number) => {
    if (count === 0) return null;
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (let index = 0; index < histogram.length; index++) {
      seen += histogram[index] ?? 0;
      if (seen >= rank) return bounds[index] ?? Number.POSITIVE_INFINITY;
    }
    return Number.POSITIVE_INFINITY;
  };
  return { count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/**
 * Statistics to add, for one hourly bucket: counter deltas by counter name, histogram deltas by
 * field (`latency:<STATUS>:<bucket>`, `age:<bucket>`, `purge:<bucket>`). Stores add them up, and
 * keep the purges, oldest first here, in their list of recent purges.
 */
export interface StatsDelta {
  hourStart: number;
  counters: Record<string, number>;
  histograms: Record<string, number>;
  purges: PurgeRecord[];
  /** Requests per URL, by URL key. */
  urls: Record<string, { url: string; requests: number; hits: number }>;
}

const bump = (fields: Record<string, number>, name: string, by = 1) => {
  fields[name] = (fields[name] ?? 0) + by;
};

/**
 * Adds up statistics events in memory, by hour, so that many captures cost one store write:
 * the capture service flushes it every second, and before it reads the statistics.
 */
export function createStatsBuffer() {
  let deltas = new Map<number, StatsDelta>();
  return {
    add(event: StatsEvent): void {
      const start = hourStart(event.at);
      let delta = deltas.get(start);
      if (!delta) {
        delta = { hourStart: start, counters: {}, histograms: {}, purges: [], urls: {} };
        deltas.set(start, delta);
      }
      for (const [name, by] of Object.entries(event.counters))
        if (by) bump(delta.counters, name, by);
      if (event.latency) {
        const bucket = bucketIndex(event.latency.ms, LATENCY_BOUNDS_MS);
        bump(delta.histograms, `latency:${event.latency.status}:${bucket}`);
      }
      if (event.hitAgeSeconds !== undefined) {
        bump(delta.histograms, `age:${bucketIndex(event.hitAgeSeconds, AGE_BOUNDS_S)}`);
      }
      if (event.purgeLagMs !== undefined) {
        bump(delta.histograms, `purge:${bucketIndex(event.purgeLagMs, PURGE_LAG_BOUNDS_MS)}`);
      }
      if (event.url) {
        const { urlKey, url, fromCache } = event.url;
        const counted = delta.urls[urlKey] ?? { url, requests: 0, hits: 0 };
        delta.urls[urlKey] = counted;
        counted.requests++;
        if (fromCache) counted.hits++;
      }
      if (event.apiKey) {
        bump(delta.counters, keyUsageField(event.apiKey.id, "captures"));
        if (event.apiKey.rendered) bump(delta.counters, keyUsageField(event.apiKey.id, "renders"));
      }
      // Only the latest purges are kept, so a burst of them never makes one huge store write.
      if (event.purge) delta.purges = [...delta.purges, event.purge].slice(-RECENT_PURGES_KEPT);
    },
    /** The deltas added so far, leaving the buffer empty. */
    take(): StatsDelta[] {
      const taken = [...deltas.values()];
      deltas = new Map();
      return taken;
    },
  };
}
