import { randomUUID } from "node:crypto";
import {
  BATCH_KEEP_SECONDS,
  type BatchCaller,
  type BatchDelivery,
  BatchLimitError,
  type BatchReport,
  type BatchRequest,
  type BatchService,
  type CacheStore,
  type CaptureService,
  guardStore,
  type StoreGuardOptions,
  type WebhookSender,
} from "@shotcache/core";
import { storeUnavailable } from "@shotcache/core/errors";
import { createDelivery } from "@shotcache/watches";
import PQueue from "p-queue";
import { createBatchRun } from "./batch-run";
import { type BatchDefinition, definitionOf, reportOf } from "./stored-batch";

/** How long deliveries under way at `stop()` may still take, retries included. */
const DELIVERY_GRACE_MS = 10_000;

export interface BatchServiceOptions {
  store: CacheStore;
  /** Deadlines and circuit breaking for store calls. */
  storeGuard?: StoreGuardOptions;
  captureService: CaptureService;
  /**
   * Captures of batches this instance runs at once, all batches together: what the synchronous
   * captures always leave room for (see docs/batches.md).
   */
  concurrency: number;
  /** Waits until the caller's rate limit lets one more capture through, or `signal` aborts. */
  waitForQuota?: (caller: BatchCaller, signal: AbortSignal) => Promise<void>;
  sender: WebhookSender;
  /** Webhook deliveries are signed with it; without it, a batch may not name a webhook. */
  webhookSecret?: string;
  /** With it, the results' image URLs are signed public URLs. */
  signingSecret?: string;
  /** The server's public origin; else the one each batch was made through. */
  publicOrigin?: string;
  /** Most batches running at once on the store. @default 100 */
  maxRunning?: number;
  /** How often batches left without a runner are looked for, in ms. @default 1000 */
  tickMs?: number;
  /** How long a runner's claim on a batch lasts unless renewed (it is, a third of the way). @default 15000 */
  leaseMs?: number;
  /** Retries of a failed delivery, and the wait before the first (doubled each time). @default 3, 1000 */
  deliveryRetries?: number;
  retryBackoffMs?: number;
  now?: () => number;
  /** Told of work that failed beside the answers: a run, a delivery. */
  onError?: (error: unknown, batchId: string, stage: "run" | "delivery") => void;
}

/** Thrown where a batch names a webhook that this server cannot sign deliveries to. */
export class UnsignedWebhookError extends Error {
  override readonly name = "UnsignedWebhookError";
  constructor() {
    super(
      "This server signs no webhooks (SHOTCACHE_WEBHOOK_SECRET is unset): a batch cannot name one.",
    );
  }
}

/**
 * Batches of captures, answered later: kept in the store (so a restart loses nothing, and any
 * instance sharing it may run them), run in the background a fair share at a time through the
 * capture service (so cached captures are hits and the rest render as any other), with a signed
 * webhook when they end.
 */
export function createBatchService(options: BatchServiceOptions): BatchService {
  const now = options.now ?? Date.now;
  const store = guardStore(options.store, { now, ...options.storeGuard });
  const maxRunning = options.maxRunning ?? 100;
  const tickMs = options.tickMs ?? 1_000;
  /** Every capture of every batch run here passes through it: FIFO, so batches take turns. */
  const captures = new PQueue({ concurrency: options.concurrency });
  /** Batches this instance runs, by id. */
  const runs = new Map<string, Promise<void>>();
  let stopping = new AbortController();
  /** Webhook deliveries get a grace after `stop()`: a batch that just ended is still told. */
  let delivering = new AbortController();
  let timer: NodeJS.Timeout | undefined;

  const report = (
    id: string,
    stored: Parameters<typeof reportOf>[1],
    definition: BatchDefinition,
  ) => reportOf(id, stored, definition, { secret: options.signingSecret, now: now() });

  const deliver = options.webhookSecret
    ? createDelivery({
        sender: options.sender,
        webhookSecret: options.webhookSecret,
        counters: options.captureService,
        retries: options.deliveryRetries,
        retryBackoffMs: options.retryBackoffMs,
        now,
        stopSignal: () => delivering.signal,
        onError: options.onError,
        userAgent: "shotcache-batch",
      })
    : undefined;

  /** Tells the batch's webhook that it ended, with its progress and where its results are. */
  async function tellWebhook(id: string, definition: BatchDefinition): Promise<void> {
    if (!definition.webhook || !deliver) return;
    const stored = await store.readBatch(id);
    if (!stored) return;
    const { captures: _captures, ...batch } = report(id, stored, definition);
    const delivery: BatchDelivery = {
      event: "batch.completed",
      batch,
      url: `${definition.origin}/api/v1/batches/${id}`,
    };
    await deliver(id, definition.webhook, delivery);
  }

  const runBatch = createBatchRun({
    store,
    captureService: options.captureService,
    captures,
    waitForQuota: options.waitForQuota,
    leaseMs: options.leaseMs ?? 15_000,
    now,
    stopSignal: () => stopping.signal,
    onUnexpectedError: (error, id) => options.onError?.(error, id, "run"),
    onFinished: (id, definition) =>
      tellWebhook(id, definition).catch((error) => options.onError?.(error, id, "delivery")),
  });

  /** Runs the batch here, unless it already runs here or another instance holds it. */
  function runHere(id: string): void {
    if (runs.has(id) || stopping.signal.aborted) return;
    const run = runBatch(id)
      .catch((error) => options.onError?.(error, id, "run"))
      .finally(() => runs.delete(id));
    runs.set(id, run);
  }

  /** Takes up the running batches no instance runs (their runner stopped, or died). */
  async function tick(): Promise<void> {
    let running: string[];
    try {
      running = await store.runningBatches();
    } catch {
      return; // the store is down: the batches wait for it
    }
    for (const id of running) runHere(id);
  }

  async function create(request: BatchRequest, caller: BatchCaller, origin: string) {
    if (request.webhook) {
      if (!options.webhookSecret) throw new UnsignedWebhookError();
      await options.sender.check(request.webhook);
    }
    const id = randomUUID();
    const definition: BatchDefinition = {
      createdAt: now(),
      origin: options.publicOrigin ?? origin,
      ...(request.webhook ? { webhook: request.webhook } : {}),
      caller,
      captures: request.captures,
    };
    try {
      if ((await store.runningBatches()).length >= maxRunning)
        throw new BatchLimitError(maxRunning);
      await store.saveBatch(
        id,
        JSON.stringify(definition),
        definition.createdAt,
        BATCH_KEEP_SECONDS,
      );
    } catch (error) {
      throw error instanceof BatchLimitError ? error : storeUnavailable(error);
    }
    runHere(id);
    return id;
  }

  async function get(id: string): Promise<BatchReport | undefined> {
    let stored: Awaited<ReturnType<CacheStore["readBatch"]>>;
    try {
      stored = await store.readBatch(id);
    } catch (cause) {
      throw storeUnavailable(cause);
    }
    const definition = stored && definitionOf(stored.definition);
    return stored && definition ? report(id, stored, definition) : undefined;
  }

  return {
    create,
    get,
    async cancel(id) {
      try {
        await store.cancelBatch(id);
      } catch (cause) {
        throw storeUnavailable(cause);
      }
      return get(id);
    },
    start() {
      if (timer) return;
      stopping = new AbortController();
      delivering = new AbortController();
      timer = setInterval(() => void tick(), tickMs);
      timer.unref();
      void tick();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      stopping.abort();
      const grace = setTimeout(() => delivering.abort(), DELIVERY_GRACE_MS);
      // Each run lets go of its batch as it ends: another instance takes it up at its next look.
      await Promise.allSettled([...runs.values()]);
      clearTimeout(grace);
    },
  };
}
