import { randomUUID } from "node:crypto";
import { CaptureError, type Renderer } from "@shotcache/core";
import { Worker } from "bullmq";
import {
  HEARTBEAT_MS,
  type QueueRedis,
  queuePrefix,
  RENDER_QUEUE,
  RESULT_TTL_MS,
  type RenderJob,
  type RenderOutcome,
  resultKey,
  workersKey,
} from "./render-queue";

export interface RenderWorkerOptions {
  /**
   * Opens the Redis connection the queue uses (and closes), made by the host with
   * `maxRetriesPerRequest: null`, as BullMQ requires: the store's `connectRedis`, say.
   */
  connect: () => QueueRedis;
  /** Prefix of every key (the store's). @default "shotcache:" */
  prefix?: string;
  /** The browser pool and its network guard. */
  renderer: Renderer;
  /** Renders taken at once: the renderer's concurrency. */
  concurrency: number;
  /**
   * How long a job stays leased without its worker renewing the lease (renewed at half of it):
   * past it, the job of a worker that died goes back to the queue. @default 5000
   */
  leaseMs?: number;
  /** Told of each render done, with the job's id. */
  onRendered?: (jobId: string, ms: number) => void;
  /** Told of a failure the queue itself reports (the connection, a stalled job). */
  onError?: (error: unknown) => void;
}

export interface RenderWorker {
  /** How this worker is named in the queue and in its log lines. */
  id: string;
  /** Takes no new jobs, lets the renders under way finish, then leaves the queue. */
  close(): Promise<void>;
}

/**
 * A render worker: takes render jobs from the shared queue, renders them with `renderer` and
 * leaves each image in Redis for the API node that waits for it (images never travel in job
 * payloads). A coded failure (a target refused, a page that does not load) is the job's answer,
 * not a reason to retry; a worker that dies mid-render loses the lease of its jobs, which go to
 * another worker. It says every couple of seconds that it is alive, with how many it takes at
 * once, so API nodes know the capacity they share.
 */
export async function startRenderWorker(options: RenderWorkerOptions): Promise<RenderWorker> {
  const prefix = options.prefix ?? "shotcache:";
  const id = randomUUID();
  const leaseMs = options.leaseMs ?? 5_000;
  // Blocking commands wait as long as they must: BullMQ asks for no per-request retry limit.
  const redis = options.connect();

  const worker = new Worker<RenderJob, RenderOutcome>(
    RENDER_QUEUE,
    async (job) => {
      const started = Date.now();
      try {
        const image = await options.renderer.render(job.data.options);
        await redis.set(
          resultKey(prefix, job.id ?? ""),
          Buffer.from(image.bytes),
          "PX",
          RESULT_TTL_MS,
        );
        options.onRendered?.(job.id ?? "", Date.now() - started);
        const { contentType, boxes } = image;
        return { contentType, blank: image.blank === true, boxes, worker: id };
      } catch (error) {
        if (!CaptureError.is(error)) throw error; // retried, by this worker or another
        const { code, message, field, retryAfterSeconds } = error;
        return { error: { code, message, field, retryAfterSeconds } };
      }
    },
    {
      connection: redis,
      prefix: queuePrefix(prefix),
      concurrency: options.concurrency,
      lockDuration: leaseMs,
      stalledInterval: leaseMs,
      maxStalledCount: 2,
    },
  );
  worker.on("error", (error) => options.onError?.(error));

  const beat = () =>
    redis
      .hset(workersKey(prefix), id, JSON.stringify({ at: Date.now(), slots: options.concurrency }))
      .catch((error: unknown) => options.onError?.(error));
  await beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    id,
    async close() {
      await worker.close(); // waits for the renders under way, still saying it is alive
      clearInterval(heartbeat);
      await redis.hdel(workersKey(prefix), id).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
