import type { BatchStore, StoredBatch } from "@shotcache/core";

/** This process's batches, by id, each forgotten once its time is up (`now`: a clock in ms). */
export function createMemoryBatches(now: () => number = () => performance.now()): BatchStore {
  const batches = new Map<string, StoredBatch & { createdAt: number; leavesAt: number }>();
  const kept = (id: string) => {
    const batch = batches.get(id);
    if (batch && batch.leavesAt <= now()) batches.delete(id);
    return batches.get(id);
  };

  return {
    async saveBatch(id, definition, createdAt, keepSeconds) {
      const leavesAt = now() + keepSeconds * 1000;
      batches.set(id, { definition, results: {}, cancelled: false, createdAt, leavesAt });
    },

    async readBatch(id) {
      const batch = kept(id);
      if (!batch) return undefined;
      const { createdAt: _createdAt, leavesAt: _leavesAt, results, ...stored } = batch;
      return { ...stored, results: { ...results } };
    },

    async readBatchState(id) {
      const batch = kept(id);
      if (!batch) return undefined;
      const { cancelled, finishedAt } = batch;
      return { cancelled, ...(finishedAt === undefined ? {} : { finishedAt }) };
    },

    async noteBatchResult(id, index, result) {
      const batch = kept(id);
      if (batch) batch.results[index] = result;
    },

    async cancelBatch(id) {
      const batch = kept(id);
      if (!batch || batch.finishedAt !== undefined) return false;
      batch.cancelled = true;
      return true;
    },

    async finishBatch(id, at) {
      const batch = kept(id);
      if (!batch || batch.finishedAt !== undefined) return false;
      batch.finishedAt = at;
      return true;
    },

    async runningBatches() {
      const running = [...batches.keys()].flatMap((id) => {
        const batch = kept(id);
        return batch && batch.finishedAt === undefined ? [{ id, createdAt: batch.createdAt }] : [];
      });
      return running.sort((a, b) => a.createdAt - b.createdAt).map(({ id }) => id);
    },
  };
}
