import type { CacheStore } from "@shotcache/core";
import { expect, it } from "vitest";

/** The store under test, as store-conformance.ts opens it. */
type Open = (options: { maxEntryBytes?: number }) => Promise<{ store: CacheStore }>;

let batches = 0;
const idOf = () => `batch-${++batches}-${Date.now().toString(36)}`;

/** What every store keeps of batches (core's batches.ts). */
export function itKeepsBatches(open: Open): void {
  it("keeps a batch with its results, and lists it while it runs, oldest first", async () => {
    const { store } = await open({});
    const [older, newer] = [idOf(), idOf()];
    const at = Date.now();
    await store.saveBatch(newer, '{"n":2}', at + 1, 60);
    await store.saveBatch(older, '{"n":1}', at, 60);
    await store.noteBatchResult(older, 0, '{"status":"done"}');
    await store.noteBatchResult(older, 12, '{"status":"failed"}');
    expect(await store.readBatch(older)).toEqual({
      definition: '{"n":1}',
      results: { 0: '{"status":"done"}', 12: '{"status":"failed"}' },
      cancelled: false,
    });
    const running = await store.runningBatches();
    expect(running.filter((id) => id === older || id === newer)).toEqual([older, newer]);
    expect(await store.readBatch(idOf())).toBeUndefined();
  });

  it("finishes a batch once, and cancels only a running one", async () => {
    const { store } = await open({});
    const [finished, cancelled] = [idOf(), idOf()];
    for (const id of [finished, cancelled]) await store.saveBatch(id, "{}", Date.now(), 60);
    expect(await store.readBatchState(cancelled)).toEqual({ cancelled: false });
    expect(await store.cancelBatch(cancelled)).toBe(true);
    expect((await store.readBatch(cancelled))?.cancelled).toBe(true);
    expect(await store.readBatchState(cancelled)).toEqual({ cancelled: true });
    const at = Date.now();
    const finishes = await Promise.all([
      store.finishBatch(finished, at),
      store.finishBatch(finished, at + 5),
    ]);
    expect(finishes.sort()).toEqual([false, true]);
    expect((await store.readBatch(finished))?.finishedAt).toBe(at);
    expect(await store.readBatchState(finished)).toEqual({ cancelled: false, finishedAt: at });
    expect(await store.cancelBatch(finished)).toBe(false);
    expect(await store.cancelBatch(idOf())).toBe(false);
    expect(await store.finishBatch(idOf(), at)).toBe(false);
    expect(await store.runningBatches()).not.toContain(finished);
    expect(await store.runningBatches()).toContain(cancelled);
  });

  it("forgets a batch and its results once its time is up", async () => {
    const { store } = await open({});
    const id = idOf();
    await store.saveBatch(id, "{}", Date.now(), 1);
    await store.noteBatchResult(id, 0, "{}");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.readBatch(id)).toBeUndefined();
    expect(await store.readBatchState(id)).toBeUndefined();
    expect(await store.runningBatches()).not.toContain(id);
    await store.noteBatchResult(id, 1, "{}");
    expect(await store.readBatch(id)).toBeUndefined();
  });
}
