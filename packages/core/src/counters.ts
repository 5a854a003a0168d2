/** @module The counters every instance shares through the store, and how captures add to them. */

/** How each capture was answered; their sum is the number of captures. */
export const OUTCOME_COUNTERS = [
  /** Fresh entry served. */
  "hits",
  /** Rendered and stored. */
  "misses",
  /** Expired entry served inside a stale window. */
  "stale",
  /** Waited for a render another request (in any instance) had started. */
  "coalesced",
  /** Rendered on the caller's `refresh` request, replacing the entry. */
  "refreshes",
  /** Rendered without using the cache (see the bypass reasons). */
  "bypasses",
  /** Failed: no image could be given. */
  "failures",
] as const;

/** Counters every instance shares through the store. */
export const CACHE_COUNTERS = [
  ...OUTCOME_COUNTERS,
  /** Background renders started before expiry (XFetch). */
  "earlyRefreshes",
  /** Background renders started to replace an entry served as stale. */
  "revalidations",
  /** Renders that failed. */
  "renderErrors",
  /** Store calls that failed or timed out. */
  "storeErrors",
  "purges",
  /** CDN purge attempts that failed (each is retried a few times). */
  "cdnPurgeFailures",
  /** Watch webhooks delivered (a changed image), and delivery attempts that failed. */
  "webhookDeliveries",
  "webhookFailures",
] as const;
export type CacheCounter = (typeof CACHE_COUNTERS)[number];
export type CounterValues = Record<CacheCounter, number>;

export const zeroCounters = (): CounterValues =>
  Object.fromEntries(CACHE_COUNTERS.map((name) => [name, 0])) as CounterValues;
