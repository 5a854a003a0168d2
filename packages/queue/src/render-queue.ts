import type { CaptureErrorCode, CaptureOptions, RenderedImage } from "@shotcache/core";
import type { Cluster, Redis } from "ioredis";

/** A Redis connection (one server or a cluster) as the queue is given it. */
export type QueueRedis = Redis | Cluster;

/**
 * The shared render queue, on BullMQ: the most used and best kept Redis queue for Node. Its jobs
 * are leased to workers under a lock each worker renews while it works, so the job of a worker
 * that dies goes back to the queue for another (stalled-job recovery); it has retries, and events
 * an API node can await; and it runs on a Redis Cluster when its prefix carries a hash tag. Those
 * are the guarantees render workers need, which a queue of our own would have to rebuild.
 */
export const RENDER_QUEUE = "renders";

/** Every queue key shares one hash tag, so one Redis Cluster slot (BullMQ's own rule). */
export const queuePrefix = (prefix: string) => `${prefix}{queue}`;

/** Where a worker leaves a rendered image for the API node that asked (raw bytes). */
export const resultKey = (prefix: string, jobId: string) => `${prefix}render-result:${jobId}`;

/** Hash of worker id → `{ at, slots }`: when it was last seen, and how many renders it runs at once. */
export const workersKey = (prefix: string) => `${prefix}{queue}:workers`;

/** How often a worker says it is alive, and how long after its last word it counts as gone. */
export const HEARTBEAT_MS = 2_000;
export const ALIVE_MS = 3 * HEARTBEAT_MS;

/** How long a rendered image waits for its API node to take it. */
export const RESULT_TTL_MS = 120_000;

/** A render job. */
export interface RenderJob {
  options: CaptureOptions;
}

/** What a render job answers: where its image is, or the coded failure of the render. */
export type RenderOutcome =
  | { contentType: string; blank: boolean; boxes?: RenderedImage["boxes"]; worker: string }
  | {
      error: {
        code: CaptureErrorCode;
        message: string;
        field?: string;
        retryAfterSeconds?: number;
      };
    };

export interface WorkerBeat {
  at: number;
  slots: number;
}
