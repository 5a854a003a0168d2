/** @module How a capture was answered: the statuses of `X-Cache`. */

/** Every status a capture is answered with; `CacheStatus` is one of them. */
export const CACHE_STATUSES = ["HIT", "MISS", "STALE", "BYPASS", "REFRESH"] as const;

/** How a capture was answered. */
export type CacheStatus = (typeof CACHE_STATUSES)[number];
