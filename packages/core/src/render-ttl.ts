/** @module The TTL a render is stored with. */
import type { CachePolicy, CachingDecision, TtlSource } from "./cache-policy";
import { adaptiveTtlSeconds, intervalsOf, type RenderNote } from "./change-history";

/**
 * The TTL of a render: the caller's or a rule's; else, when the adaptive TTL is on and the page
 * has a history of renders (the variant's own, or else its URL's), one that follows its changes;
 * else the default.
 */
export function renderTtl(
  caching: Extract<CachingDecision, { cacheable: true }>,
  note: RenderNote | undefined,
  policy: CachePolicy,
): { ttlSeconds: number; ttlSource: TtlSource } {
  const decided = { ttlSeconds: caching.ttlSeconds, ttlSource: caching.ttlSource as TtlSource };
  if (caching.ttlSource !== "default" || !policy.adaptiveTtl || !note) return decided;
  const ownIntervals = intervalsOf(note.variant);
  const intervals = ownIntervals.length > 0 ? ownIntervals : note.urlIntervals;
  if (intervals.length === 0) return decided;
  const adaptive = adaptiveTtlSeconds(intervals, {
    defaultTtlSeconds: caching.ttlSeconds,
    ...policy.adaptiveTtl,
  });
  return { ttlSeconds: Math.min(adaptive, policy.maxTtlSeconds), ttlSource: "adaptive" };
}
