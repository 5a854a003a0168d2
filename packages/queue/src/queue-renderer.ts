import { setTimeout as sleep } from "node:timers/promises";
import { CaptureError, type RenderedImage, type Renderer } from "@shotcache/core";
import { Queue, QueueEvents } from "bullmq";
import {
  ALIVE_MS,
  type QueueRedis,
  queuePrefix,
  RENDER_QUEUE,
  type RenderJob,
  type RenderOutcome,
  resultKey,
  type WorkerBeat,
  workersKey,
} from "./render-queue";

export interface QueueRendererOptions {
  /**
   * Opens the Redis connection the queue uses (and closes), made by the host with
   * `maxRetriesPerRequest: null`, as BullMQ requires: the store's `connectRedis`, say.
   */
  connect: () => QueueRedis;
  /** Prefix of every key (the store's). @default "shotcache:" */
  prefix?: string;
  /** Longest whole render; a job not answered by then fails with RENDER_TIMEOUT. @default 60000 */
  maxRenderMs?: number;
  /** Renders that may wait in the queue; more are refused. @default 4 × the workers' slots */
  maxQueued?: number;
  /** How long a capture waits while no worker is alive before it is refused. @default 10000 */
  noWorkerMs?: number;
  /** Attempts per job, a worker's crash included. @default 3 */
  attempts?: number;
}

/** What the queue holds and who serves it, as health and metrics report it. */
export interface QueueLoad {
  mode: "queue";
  running: number;
  waiting: number;
  /** Workers alive, and the renders they run at once in all. */
  workers: number;
  slots: number;
}

export interface QueueRenderer extends Renderer {
  /** The latest reading of the queue (taken every second). */
  load(): QueueLoad;
}

/** Back-pressure answers name the same short wait as the in-process pool. */
const RETRY_AFTER_SECONDS = 2;
const READ_EVERY_MS = 1_000;

/**
 * The renderer of an API node with no browser: each render is a job on the shared queue, done by
 * whichever render worker takes it; its image comes back through Redis. Admission is cluster-wide:
 * with no worker alive, or more renders waiting than the queue may hold, a capture is refused at
 * once; one whose workers all went away meanwhile is refused after `noWorkerMs`. (One render per
 * cache key across all API nodes is the capture service's lock, as with local renders.)
 */
export function createQueueRenderer(options: QueueRendererOptions): QueueRenderer {
  const prefix = options.prefix ?? "shotcache:";
  const maxRenderMs = options.maxRenderMs ?? 60_000;
  const noWorkerMs = options.noWorkerMs ?? 10_000;
  const redis = options.connect();
  const shared = { connection: redis, prefix: queuePrefix(prefix) };
  const queue = new Queue<RenderJob, RenderOutcome>(RENDER_QUEUE, shared);
  const events = new QueueEvents(RENDER_QUEUE, shared);
  queue.on("error", () => {});
  events.on("error", () => {});
  // Each render waiting for its job listens on both; admission bounds how many wait at once.
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  let latest: QueueLoad = { mode: "queue", running: 0, waiting: 0, workers: 0, slots: 0 };

  async function aliveWorkers(): Promise<{ workers: number; slots: number }> {
    const beats = await redis.hgetall(workersKey(prefix));
    const alive = Object.values(beats)
      .map((text) => JSON.parse(text) as WorkerBeat)
      .filter((beat) => Date.now() - beat.at < ALIVE_MS);
    return { workers: alive.length, slots: alive.reduce((sum, beat) => sum + beat.slots, 0) };
  }

  async function readLoad(): Promise<QueueLoad> {
    const [workers, counts] = await Promise.all([
      aliveWorkers(),
      queue.getJobCounts("waiting", "active", "prioritized"),
    ]);
    latest = {
      mode: "queue",
      running: counts.active ?? 0,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      ...workers,
    };
    return latest;
  }
  const reader = setInterval(() => void readLoad().catch(() => {}), READ_EVERY_MS);
  reader.unref();

  /** Refuses a render the workers cannot take now. */
  async function admit(): Promise<void> {
    const load = await readLoad();
    if (load.workers === 0) {
      throw new CaptureError("BROWSER_UNAVAILABLE", "No render worker is running.", {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    if (load.waiting >= (options.maxQueued ?? 4 * load.slots)) {
      throw new CaptureError("SATURATED", "Every render worker is busy; try again shortly.", {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
  }

  /** Rejects once no worker has been alive for `noWorkerMs`; stops when `done` aborts. */
  async function whileWorkersLive(done: AbortSignal): Promise<never> {
    let goneSince: number | undefined;
    while (!done.aborted) {
      await sleep(READ_EVERY_MS, undefined, { signal: done }).catch(() => {});
      const { workers } = await aliveWorkers().catch(() => ({ workers: 0 }));
      goneSince = workers > 0 ? undefined : (goneSince ?? Date.now());
      if (goneSince !== undefined && Date.now() - goneSince >= noWorkerMs) {
        throw new CaptureError("BROWSER_UNAVAILABLE", "No render worker is left to render.", {
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        });
      }
    }
    return new Promise<never>(() => {}); // the render ended first: nothing to say
  }

  async function render(capture: RenderJob["options"]): Promise<RenderedImage> {
    await admit();
    const job = await queue.add(
      "render",
      { options: capture },
      {
        attempts: options.attempts ?? 3,
        // Kept a little after they end, so a waiter that subscribes late still sees the end.
        removeOnComplete: { age: 60 },
        removeOnFail: { age: 600 },
      },
    );
    const done = new AbortController();
    let outcome: RenderOutcome;
    try {
      outcome = await Promise.race([
        job.waitUntilFinished(events, maxRenderMs + 5_000),
        whileWorkersLive(done.signal),
      ]);
    } catch (error) {
      await job.remove().catch(() => {}); // taken by nobody yet: nobody renders it later
      if (CaptureError.is(error)) throw error;
      const timedOut = /timed out/i.test((error as Error).message ?? "");
      throw timedOut
        ? new CaptureError("RENDER_TIMEOUT", "The render did not finish in time.", { cause: error })
        : new CaptureError("RENDER_FAILED", "The render failed.", { cause: error });
    } finally {
      done.abort();
    }
    if ("error" in outcome) {
      const { code, message, field, retryAfterSeconds } = outcome.error;
      throw new CaptureError(code, message, { field, retryAfterSeconds });
    }
    const bytes = await redis.getdelBuffer(resultKey(prefix, job.id ?? ""));
    if (!bytes) throw new CaptureError("RENDER_FAILED", "The rendered image was lost.");
    const { contentType, blank, boxes } = outcome;
    return { bytes: new Uint8Array(bytes), contentType, blank, boxes };
  }

  return {
    render,
    load: () => latest,
    async close() {
      clearInterval(reader);
      await Promise.allSettled([events.close(), queue.close()]);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
