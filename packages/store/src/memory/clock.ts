/**
 * lru-cache options that make a cache read the clock the memory store was given, on every check
 * (it would otherwise reuse a reading for 1 ms), so that tests can move time. None for the real
 * clock.
 */
export function lruClock(now: (() => number) | undefined) {
  return now ? { perf: { now }, ttlResolution: 0 } : {};
}
