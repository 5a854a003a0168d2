import type { WatchStore } from "@shotcache/core";

/** This process's watches, by id; times are the callers' (epoch ms). */
export function createMemoryWatches(): WatchStore {
  const watches = new Map<
    string,
    { definition: string; everyMs: number; nextRunAt: number; etag?: string }
  >();

  return {
    async saveWatch(id, definition, everySeconds, firstRunAt) {
      watches.set(id, { definition, everyMs: everySeconds * 1000, nextRunAt: firstRunAt });
    },

    async listWatches() {
      return [...watches].map(([id, { definition, nextRunAt }]) => ({ id, definition, nextRunAt }));
    },

    async deleteWatch(id) {
      return watches.delete(id);
    },

    async claimDueWatches(at, limit) {
      const due = [...watches]
        .filter(([, watch]) => watch.nextRunAt <= at)
        .sort(([, a], [, b]) => a.nextRunAt - b.nextRunAt)
        .slice(0, limit);
      for (const [, watch] of due) {
        const next = watch.nextRunAt + watch.everyMs;
        watch.nextRunAt = next > at ? next : at + watch.everyMs;
      }
      return due.map(([id, { definition }]) => ({ id, definition }));
    },

    async swapWatchEtag(id, etag) {
      const watch = watches.get(id);
      const previous = watch?.etag;
      if (watch) watch.etag = etag;
      return previous;
    },
  };
}
