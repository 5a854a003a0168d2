/** @module Work nobody awaits, kept so that a host can wait for it before it may be frozen. */

/**
 * On a serverless host the instance may be frozen, or never woken, once its answer and its
 * `after()` work are done: writes started beside an answer must be waited for there.
 */
export function createPendingWork() {
  const pending = new Set<Promise<unknown>>();
  return {
    track(work: Promise<unknown>): void {
      const settled = work.finally(() => pending.delete(settled));
      pending.add(settled);
    },
    size: () => pending.size,
    /** Settles once the work under way now has (new work may have started meanwhile). */
    settled: () => Promise.allSettled([...pending]),
  };
}
