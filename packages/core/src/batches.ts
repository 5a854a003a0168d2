import { z } from "zod";
import type { CaptureErrorCode } from "./errors";
import {
  captureOptionsObjectSchema,
  captureOptionsSchema,
  MAX_URL_LENGTH,
  pageUrlSchema,
} from "./options";

// What every layer shares about batches: what a caller sends, what a batch reports, what its
// webhook receives, the service the API calls and the store port that keeps them. The service
// itself (the runner, and the signed webhook delivery) is in @shotcache/batches.

/** Most captures in one batch. */
export const MAX_BATCH_CAPTURES = 1_000;

/** How long a batch and its results are kept, from its creation: a day. */
export const BATCH_KEEP_SECONDS = 24 * 60 * 60;

/**
 * One capture of a batch: the options of a capture of a page by its address. Markup (`html`),
 * cookies and request headers are left out: a batch is kept in the store for a day, its captures
 * are listed, and their image links carry their options.
 */
const batchCaptureSchema = captureOptionsObjectSchema
  .omit({ html: true, cookies: true, headers: true })
  .extend({ url: pageUrlSchema })
  .transform((input, context) => {
    // With every default and cross-field rule of a single capture.
    const options = captureOptionsSchema.safeParse(input);
    if (options.success) return options.data;
    for (const issue of options.error.issues) context.addIssue(issue as z.core.$ZodRawIssue);
    return z.NEVER;
  });

/** A batch as a caller sends it: the captures, and a webhook told when it is done. */
export const batchInputSchema = z.strictObject({
  captures: z.array(batchCaptureSchema).min(1).max(MAX_BATCH_CAPTURES),
  webhook: z
    .url({ protocol: /^https?$/, error: "must be an absolute http or https URL" })
    .max(MAX_URL_LENGTH)
    .optional(),
});

/** What a caller sends to create a batch. */
export type BatchInput = z.input<typeof batchInputSchema>;

/** A batch request as validated: each capture's options with their defaults applied. */
export type BatchRequest = z.output<typeof batchInputSchema>;

/** Where one capture of a batch stands. */
export type BatchCaptureStatus = "queued" | "done" | "failed" | "cancelled";

/** One capture of a batch as the batch reports it. */
export interface BatchCaptureReport {
  /** Its place in the batch, from 0. */
  index: number;
  url: string;
  status: BatchCaptureStatus;
  /** Once done: the image's ETag, how the cache answered it, and where to fetch it. */
  etag?: string;
  cache?: string;
  /** A signed public URL when the server signs, else the API's own. */
  image?: string;
  /** Once failed: why, coded as a capture's errors are. */
  error?: { code: CaptureErrorCode; message: string };
}

/** How far a batch has come. */
export interface BatchProgress {
  total: number;
  queued: number;
  done: number;
  failed: number;
  cancelled: number;
}

/** A batch as `GET /api/v1/batches/{id}` reports it. */
export interface BatchReport {
  id: string;
  /** `running` until every capture is done, failed or cancelled. */
  status: "running" | "completed" | "cancelled";
  /** ISO times. */
  createdAt: string;
  finishedAt?: string;
  progress: BatchProgress;
  captures: BatchCaptureReport[];
}

/** What a batch's webhook receives once it is over. */
export interface BatchDelivery {
  event: "batch.completed";
  batch: Omit<BatchReport, "captures">;
  /** Where to read its results. */
  url: string;
}

/** Who made a batch, so that its captures count against that caller's rate limit. */
export interface BatchCaller {
  /** The API key's id, when one was presented. */
  keyId?: string;
  /** The rate limiter's identifier of the caller. */
  limitedAs: string;
}

/** What the API calls to make, read and cancel batches; see @shotcache/batches. */
export interface BatchService {
  /** Keeps the batch and starts it; resolves to its id. */
  create(request: BatchRequest, caller: BatchCaller, origin: string): Promise<string>;
  /** The batch and its results so far, or undefined when there is none (or no longer). */
  get(id: string): Promise<BatchReport | undefined>;
  /** Cancels the captures not yet started; resolves to the batch, or undefined when there is none. */
  cancel(id: string): Promise<BatchReport | undefined>;
  /** Starts looking for batches to run (its own, and those of instances that stopped). */
  start(): void;
  /** Stops taking captures, waits for those under way, and lets other instances go on. */
  stop(): Promise<void>;
}

/** Too many batches are running on this server: one must end before another starts. */
export class BatchLimitError extends Error {
  override readonly name = "BatchLimitError";
  constructor(readonly limit: number) {
    super(`This server runs at most ${limit} batches at once; try again once one has ended.`);
  }
}

/** A batch as the store keeps it. */
export interface StoredBatch {
  /** The batch as it was made (JSON, opaque to the store). */
  definition: string;
  /** Each finished capture's result (JSON, opaque to the store), by its index. */
  results: Record<number, string>;
  cancelled: boolean;
  /** When it was done (epoch ms), once it is. */
  finishedAt?: number;
}

/** Batches, shared by every instance using the store, each kept `BATCH_KEEP_SECONDS`. */
export interface BatchStore {
  /** Keeps a new batch, running, for `keepSeconds`. */
  saveBatch(id: string, definition: string, createdAt: number, keepSeconds: number): Promise<void>;
  /** The batch, or undefined when it is not kept. */
  readBatch(id: string): Promise<StoredBatch | undefined>;
  /** Whether a kept batch was cancelled, and when it was done: what a runner looks at often. */
  readBatchState(id: string): Promise<Pick<StoredBatch, "cancelled" | "finishedAt"> | undefined>;
  /** Notes the result of capture `index` of a batch that is kept. */
  noteBatchResult(id: string, index: number, result: string): Promise<void>;
  /** Marks a running batch cancelled; resolves to whether it was running. */
  cancelBatch(id: string): Promise<boolean>;
  /**
   * Marks a batch done at `at` (epoch ms), once: resolves to true for the one caller that did, so
   * that its webhook is told once across instances.
   */
  finishBatch(id: string, at: number): Promise<boolean>;
  /** The ids of the batches still running, oldest first (none that is no longer kept). */
  runningBatches(): Promise<string[]>;
}
