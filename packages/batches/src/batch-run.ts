import { setTimeout as sleep } from "node:timers/promises";
import {
  type BatchCaller,
  type CacheStore,
  CaptureError,
  type CaptureOptions,
  type CaptureService,
} from "@shotcache/core";
import type PQueue from "p-queue";
import {
  type BatchDefinition,
  type CaptureResultNote,
  definitionOf,
  resultsOf,
} from "./stored-batch";

export interface BatchRunOptions {
  store: Pick<
    CacheStore,
    | "acquireLock"
    | "renewLock"
    | "releaseLock"
    | "readBatch"
    | "readBatchState"
    | "noteBatchResult"
    | "finishBatch"
  >;
  captureService: Pick<CaptureService, "capture">;
  /** Where every capture of every batch waits for its turn. */
  captures: PQueue;
  /** Waits until the caller's rate limit lets one more capture through, or `signal` aborts. */
  waitForQuota?: (caller: BatchCaller, signal: AbortSignal) => Promise<void>;
  leaseMs: number;
  now: () => number;
  /** Aborted when the service stops: no capture starts after it. */
  stopSignal: () => AbortSignal;
  /** Told of a capture that failed in a way no capture error names (noted as RENDER_FAILED). */
  onUnexpectedError: (error: unknown, batchId: string) => void;
  /** Told once per batch, across instances, when it ended. */
  onFinished: (id: string, definition: BatchDefinition) => Promise<void>;
}

/**
 * Runs one batch's captures not yet done, holding the batch's lease in the store all along (so no
 * other instance runs it meanwhile, and one does once this one stops or dies), and finishes the
 * batch once none is left or it was cancelled.
 */
export function createBatchRun(options: BatchRunOptions) {
  const { store, captureService, captures, now } = options;

  /** A capture's result, waiting out a saturated renderer; undefined when stopped meanwhile. */
  async function captureOne(
    batchId: string,
    capture: CaptureOptions,
    caller: BatchCaller,
  ): Promise<CaptureResultNote | undefined> {
    for (;;) {
      try {
        const result = await captureService.capture(capture, caller.keyId);
        return { status: "done", etag: result.etag, cache: result.status };
      } catch (error) {
        if (!CaptureError.is(error)) {
          options.onUnexpectedError(error, batchId);
          return { status: "failed", code: "RENDER_FAILED", message: "The capture failed." };
        }
        if (error.code !== "SATURATED") {
          return { status: "failed", code: error.code, message: error.message };
        }
        // Every render slot is busy with synchronous captures: they go first.
        const wait = (error.retryAfterSeconds ?? 1) * 1000;
        const stopped = await sleep(wait, false, { signal: options.stopSignal() }).catch(
          () => true,
        );
        if (stopped) return undefined;
      }
    }
  }

  return async function runBatch(id: string): Promise<void> {
    const lockName = `batch:${id}`;
    const token = await store.acquireLock(lockName, options.leaseMs).catch(() => undefined);
    if (!token) return; // another instance runs it, or the store is down
    let lost = false;
    let cancelled = false;
    let renewedAt = now();
    const renewal = setInterval(() => {
      store.renewLock(lockName, token, options.leaseMs).then(
        (held) => {
          if (held) renewedAt = now();
          else lost = true;
        },
        // Tried again a third of the lease later; once the lease could have run out, another
        // instance may hold it.
        () => {
          lost ||= now() - renewedAt >= options.leaseMs;
        },
      );
    }, options.leaseMs / 3);
    try {
      const stored = await store.readBatch(id);
      if (!stored || stored.finishedAt !== undefined) return;
      const definition = definitionOf(stored.definition);
      if (!definition) {
        // Unreadable (not ours, or damaged): it would hold a place among the running for a day.
        await store.finishBatch(id, now());
        return;
      }
      cancelled = stored.cancelled;
      const results = resultsOf(stored);
      const pending = definition.captures.flatMap((_, index) =>
        results.has(index) ? [] : [index],
      );
      const goOn = () => !lost && !cancelled && !options.stopSignal().aborted;

      /** Whether another capture may start: any instance may have cancelled the batch meanwhile. */
      const mayStart = async () => {
        if (!goOn()) return false;
        const state = await store.readBatchState(id);
        cancelled ||= !state || state.cancelled;
        return goOn();
      };
      const runCapture = async (index: number) => {
        if (!(await mayStart())) return;
        const capture = definition.captures[index] as CaptureOptions;
        const result = await captureOne(id, capture, definition.caller);
        if (result) await store.noteBatchResult(id, index, JSON.stringify(result));
      };
      // As many workers as captures may run at once, each with one capture in the shared queue:
      // the queue then takes the batches' captures in turns. The caller's rate limit is waited
      // for before the queue, so that a caller out of quota holds up no one else's batch.
      let next = 0;
      const worker = async () => {
        while (goOn() && next < pending.length) {
          const index = pending[next++] ?? 0;
          await options.waitForQuota?.(definition.caller, options.stopSignal());
          await captures.add(() => runCapture(index));
        }
      };
      const workers = Math.min(captures.concurrency, pending.length);
      const ended = await Promise.allSettled(Array.from({ length: workers }, worker));
      const failed = ended.find((outcome) => outcome.status === "rejected");
      // A result that could not be noted is captured again by the next runner.
      if (failed) throw failed.reason;
      if (lost || options.stopSignal().aborted) return;
      const finished = cancelled || next >= pending.length;
      if (finished && (await store.finishBatch(id, now())))
        await options.onFinished(id, definition);
    } finally {
      clearInterval(renewal);
      await store.releaseLock(lockName, token).catch(() => {});
    }
  };
}
