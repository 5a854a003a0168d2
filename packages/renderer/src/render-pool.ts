import { CaptureError } from "@shotcache/core";
import PQueue from "p-queue";

export interface RenderPoolOptions {
  /** Renders run at once. */
  concurrency: number;
  /** Renders that may wait for a slot; one more is refused at once. */
  maxQueued: number;
  /** What a refused caller is told to wait before trying again. @default 2 */
  retryAfterSeconds?: number;
}

/**
 * Admission control for renders: a bounded number run at once, a bounded number wait, and the
 * rest are refused immediately with `SATURATED` (the HTTP layer answers 503 with Retry-After)
 * rather than piling up until they all time out.
 */
export function createRenderPool(options: RenderPoolOptions) {
  const queue = new PQueue({ concurrency: options.concurrency });
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      if (queue.pending >= options.concurrency && queue.size >= options.maxQueued) {
        return Promise.reject(
          new CaptureError("SATURATED", "Every render slot is busy; try again shortly.", {
            retryAfterSeconds: options.retryAfterSeconds ?? 2,
          }),
        );
      }
      return queue.add(task) as Promise<T>;
    },
    /** Renders running and waiting. */
    load: () => ({ running: queue.pending, waiting: queue.size }),
    /** Settles once nothing runs or waits. */
    idle: () => queue.onIdle(),
  };
}
