import type { AppRouter } from "@shotcache/api/router";
import type { BatchCaptureReport, BatchReport } from "@shotcache/core";
import type { inferRouterInputs } from "@trpc/server";
import type { CallOptions } from "./call-options";
import { ShotcacheError } from "./errors";

// What `batch.get` answers: the server's own types, named once in the declarations.
export type { BatchCaptureReport, BatchReport };

/**
 * What `batch()` sends: up to 1,000 captures, each the options of a capture of a page by its `url`
 * (no `html`, no `cookies`), and a `webhook` the server tells once they are all over.
 */
export type BatchInput = inferRouterInputs<AppRouter>["batch"]["create"];

/** How `results()` follows a batch: it asks for its report every `pollMs`. */
export interface BatchResultsOptions extends CallOptions {
  /** @default 1000 */
  pollMs?: number;
}

/**
 * A batch on the server, kept there a day. `for await (const result of batch)` is
 * `batch.results()`: each capture's result as it settles, until the batch is over.
 */
export interface Batch extends AsyncIterable<BatchCaptureReport> {
  readonly id: string;
  /** Its report now: status, progress and every capture. */
  status(options?: CallOptions): Promise<BatchReport>;
  /** Cancels the captures not yet started (those under way still end); resolves to its report. */
  cancel(options?: CallOptions): Promise<BatchReport>;
  /**
   * Each capture once it is `done`, `failed` or `cancelled`, each exactly once, in the order they
   * are seen settled (a poll's finds in batch order); ends once the batch is over. A capture
   * under way when the batch was cancelled is given once it ended, done or cancelled.
   */
  results(options?: BatchResultsOptions): AsyncGenerator<BatchCaptureReport, void, undefined>;
}

/** The ShotcacheError of an aborted signal: `TIMEOUT` for `AbortSignal.timeout()`, else `ABORTED`. */
function abortedBy(signal: AbortSignal): ShotcacheError {
  return (signal.reason as { name?: string } | undefined)?.name === "TimeoutError"
    ? new ShotcacheError("TIMEOUT", "The request timed out.", { cause: signal.reason })
    : new ShotcacheError("ABORTED", "The request was aborted.", { cause: signal.reason });
}

/** Waits `ms`, or throws as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedBy(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedBy(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Each capture of a batch once it is settled, each once, in the order they are seen settled (those
 * seen at the same poll in batch order): `done` and `failed` as soon as the report says so,
 * `cancelled` only once the batch is over, since a capture under way when its batch was cancelled
 * is reported cancelled until it ends, and may end done. Ends with the batch.
 */
async function* settledResults(
  poll: (signal: AbortSignal | undefined) => Promise<BatchReport>,
  pollMs: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<BatchCaptureReport, void, undefined> {
  const given = new Set<number>();
  for (;;) {
    if (signal?.aborted) throw abortedBy(signal);
    const report = await poll(signal);
    const over = report.status !== "running";
    for (const capture of report.captures) {
      if (given.has(capture.index)) continue;
      const settled =
        capture.status === "done" ||
        capture.status === "failed" ||
        (over && capture.status === "cancelled");
      if (!settled) continue;
      given.add(capture.index);
      yield capture;
    }
    if (over) return;
    await pause(pollMs, signal);
  }
}

/** The handle of batch `id`, over the calls that read and cancel it. */
export function batchHandle(
  id: string,
  calls: Record<"status" | "cancel", (signal: AbortSignal | undefined) => Promise<BatchReport>>,
): Batch {
  const results = (options: BatchResultsOptions = {}) =>
    settledResults(calls.status, options.pollMs ?? 1_000, options.signal);
  return {
    id,
    status: (options) => calls.status(options?.signal),
    cancel: (options) => calls.cancel(options?.signal),
    results,
    [Symbol.asyncIterator]: () => results(),
  };
}
