import {
  AGE_BOUNDS_S,
  CACHE_STATUSES,
  type CounterValues,
  emptyHistogram,
  type Histogram,
  HOUR_MS,
  hourStart,
  keyUsageFrom,
  LATENCY_BOUNDS_MS,
  PURGE_LAG_BOUNDS_MS,
  type PurgeRecord,
  type StatsSnapshot,
  type UrlRecord,
  zeroCounters,
} from "@shotcache/core";

/**
 * How every store keeps statistics, as flat `field → count` maps (a Redis hash, or a Map in
 * memory), so all stores agree on the figures: counter fields are the counter names, histogram
 * fields are named by core's stats buffer (`latency:<STATUS>:<bucket>`, `age:<b>`, `purge:<b>`).
 */

/** The hour starts (epoch ms) of the `hours` buckets ending with the one holding `now`. */
export function hourStarts(now: number, hours: number): number[] {
  const last = hourStart(now);
  return Array.from({ length: hours }, (_, index) => last - (hours - 1 - index) * HOUR_MS);
}

type FieldMap = Record<string, unknown> | Map<string, number> | null | undefined;

const read = (fields: FieldMap, name: string): number => {
  const value = Number(fields instanceof Map ? fields.get(name) : fields?.[name]);
  return Number.isFinite(value) ? value : 0;
};

/** Every field of a field map, with its count. */
const fieldsOf = (fields: FieldMap): [string, number][] =>
  (fields instanceof Map ? [...fields] : Object.entries(fields ?? {})).map(
    ([name, count]): [string, number] => [name, Number(count)],
  );

/** Counter values from a field map; unknown fields are ignored, missing ones are 0. */
export function countersFrom(fields: FieldMap): CounterValues {
  const counters = zeroCounters();
  for (const name of Object.keys(counters) as (keyof CounterValues)[]) {
    counters[name] = read(fields, name);
  }
  return counters;
}

function histogramFrom(fields: FieldMap, prefix: string, bounds: readonly number[]): Histogram {
  return emptyHistogram(bounds).map((_, bucket) => read(fields, `${prefix}${bucket}`));
}

/** Assembles a snapshot from the field maps a store read. */
export function snapshotFrom(input: {
  counters: FieldMap;
  hourly: { hourStart: number; fields: FieldMap }[];
  histograms: FieldMap;
  storage: { entries: number; bytes: number };
  recentPurges: PurgeRecord[];
  topUrls: UrlRecord[];
}): StatsSnapshot {
  const { histograms } = input;
  return {
    counters: countersFrom(input.counters),
    hourly: input.hourly.map(({ hourStart, fields }) => ({
      hourStart,
      counters: countersFrom(fields),
    })),
    latency: Object.fromEntries(
      CACHE_STATUSES.map((status) => [
        status,
        histogramFrom(histograms, `latency:${status}:`, LATENCY_BOUNDS_MS),
      ]),
    ) as StatsSnapshot["latency"],
    hitAge: histogramFrom(histograms, "age:", AGE_BOUNDS_S),
    purgeLag: histogramFrom(histograms, "purge:", PURGE_LAG_BOUNDS_MS),
    storage: input.storage,
    recentPurges: input.recentPurges,
    topUrls: input.topUrls,
    keyUsage: keyUsageFrom(fieldsOf(input.counters)),
  };
}

/** HGETALL's reply as an object, whether the client gave an object or the flat field list. */
export function hashFromReply(reply: Record<string, unknown> | unknown[] | null): FieldMap {
  if (!Array.isArray(reply)) return reply;
  return Object.fromEntries(
    Array.from({ length: reply.length / 2 }, (_, i) => [String(reply[2 * i]), reply[2 * i + 1]]),
  );
}
