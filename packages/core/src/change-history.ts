/**
 * What the cache learns from renders: whether a variant's image changed since its previous
 * render, and how often a page changes, to let TTLs follow it (the adaptive TTL).
 */

/** Renders of one variant the store keeps, newest first. */
export const VARIANT_RENDERS_KEPT = 16;
/** Intervals between renders of a URL (any variant) the store keeps, newest first. */
export const URL_INTERVALS_KEPT = 32;
/** How long a history is kept after its latest render. */
export const HISTORY_KEEP_SECONDS = 30 * 24 * 60 * 60;

/** One render of a variant, as its history keeps it. Times are epoch ms. */
export interface RenderObservation {
  at: number;
  etag: string;
  /** When the content last changed: this render's time, or that of the first render like it. */
  changedAt: number;
}

/** The time between two renders of a variant, and whether the image changed across it. */
export interface ObservedInterval {
  seconds: number;
  changed: boolean;
}

/** What noting a render tells the capture service (see `CacheStore.noteRender`). */
export interface RenderNote {
  /** The variant's renders, newest first, this one included. */
  variant: RenderObservation[];
  /** The URL's intervals between renders of the same variant, any variant, newest first. */
  urlIntervals: ObservedInterval[];
}

/** This render's entry in its variant's history, given the one before it. */
export function observe(
  previous: RenderObservation | undefined,
  render: { at: number; etag: string },
): RenderObservation {
  const same = previous !== undefined && previous.etag === render.etag;
  return { at: render.at, etag: render.etag, changedAt: same ? previous.changedAt : render.at };
}

/** The interval a render closes, or none for a variant's first render. */
export function intervalClosedBy(
  previous: RenderObservation | undefined,
  render: RenderObservation,
): ObservedInterval | undefined {
  if (!previous) return undefined;
  return {
    seconds: Math.max(0, (render.at - previous.at) / 1000),
    changed: previous.etag !== render.etag,
  };
}

/** The intervals of a variant's renders (newest first), newest first. */
export function intervalsOf(renders: readonly RenderObservation[]): ObservedInterval[] {
  return renders.slice(1).flatMap((older, index) => {
    const newer = renders[index];
    return newer ? [intervalClosedBy(older, newer) as ObservedInterval] : [];
  });
}

/** The change facts of the newest render of a history: changed since the one before? when? */
export function changeFactsOf(renders: readonly RenderObservation[]): {
  changed: boolean | undefined;
  changedAt: number | undefined;
} {
  const [latest, previous] = renders;
  return {
    changed: latest && previous ? latest.etag !== previous.etag : undefined,
    changedAt: latest?.changedAt,
  };
}

/**
 * The expected time between changes of a page, in seconds, from intervals between its renders.
 *
 * Changes are taken to come at random at some steady rate (a Poisson process), and each interval
 * tells whether at least one came. The rate's estimate is Bayesian with a Gamma prior worth one
 * change per `priorSeconds`, as if one more interval of that length had been seen with a change
 * in it: (1 + changes) / (priorSeconds + observed seconds). The expected interval is its
 * inverse. With no evidence it is the prior; every interval seen changed pulls it down towards
 * the time between renders; long unchanged stretches push it up. (A change seen in an interval
 * may stand for several: the estimate is an upper bound of sorts, and it tightens as shorter TTLs
 * bring more frequent renders.) Why this one: it needs no tuning but the prior, is stable with
 * little evidence, and is a sum and a count, so it is cheap and easy to check.
 */
export function expectedChangeIntervalSeconds(
  intervals: readonly ObservedInterval[],
  priorSeconds: number,
): number {
  let observed = 0;
  let changes = 0;
  for (const interval of intervals) {
    observed += interval.seconds;
    if (interval.changed) changes++;
  }
  return (priorSeconds + observed) / (1 + changes);
}

export interface AdaptiveTtlOptions {
  /** The TTL with no evidence: the configured default. */
  defaultTtlSeconds: number;
  minSeconds: number;
  maxSeconds: number;
}

/**
 * The TTL that follows a page's changes: half the expected time between them, clamped. The prior
 * is twice the default TTL, so a page with no history keeps the default; one seen changing at
 * every render gets less, one seen unchanged for long more.
 */
export function adaptiveTtlSeconds(
  intervals: readonly ObservedInterval[],
  options: AdaptiveTtlOptions,
): number {
  const expected = expectedChangeIntervalSeconds(intervals, 2 * options.defaultTtlSeconds);
  const ttl = Math.round(expected / 2);
  return Math.min(options.maxSeconds, Math.max(options.minSeconds, ttl));
}
