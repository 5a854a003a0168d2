import { randomUUID } from "node:crypto";
import {
  type CacheStore,
  type CaptureService,
  guardStore,
  type HistoryService,
  type StoreGuardOptions,
  type Watch,
  WatchLimitError,
  type WatchRequest,
  type WatchService,
  type WebhookSender,
} from "@shotcache/core";
import { storeUnavailable } from "@shotcache/core/errors";
import { createDelivery } from "./delivery";
import { createRunWatch } from "./run-watch";
import { createScheduler } from "./scheduler";
import { type StoredDefinition, watchOf } from "./stored-definition";

export interface WatchServiceOptions {
  store: CacheStore;
  /** Deadlines and circuit breaking for store calls. */
  storeGuard?: StoreGuardOptions;
  captureService: CaptureService;
  sender: WebhookSender;
  /** Deliveries are signed with it, as the inbound webhook is. */
  webhookSecret: string;
  /** With it, `imageUrl` and `diffUrl` are signed public URLs (valid a week). */
  signingSecret?: string;
  /**
   * The variants' versions: with it, a change is measured against the image a watch last told
   * of, and told only past the watch's `changeThreshold`; without, any new image is a change.
   */
  history?: HistoryService;
  /** The server's public origin, e.g. `https://shots.example`; else the one each watch was created through. */
  publicOrigin?: string;
  /** Most watches kept. @default 1000 */
  maxWatches?: number;
  /** How often due watches are looked for, in ms. @default 500 */
  tickMs?: number;
  /** A delivery attempt that takes longer fails, in ms. @default 5000 */
  deliveryTimeoutMs?: number;
  /** Retries of a failed delivery, and the wait before the first (doubled each time). @default 3, 1000 */
  deliveryRetries?: number;
  retryBackoffMs?: number;
  now?: () => number;
  /** Told of a watch run or delivery that failed (it is tried again at the next run, or retried). */
  onError?: (error: unknown, watchId: string, stage: "run" | "delivery") => void;
}

/**
 * Re-renders each watch every `every` seconds, as a REFRESH through the cache (so watchers keep
 * the cache warm for everyone), and POSTs a signed delivery to its webhook when the image differs
 * from the one the watch saw last. Watches live in the store, so they survive restarts, and each
 * run is claimed in the store, so with several instances each due watch renders once.
 */
export function createWatchService(options: WatchServiceOptions): WatchService {
  const { captureService, sender } = options;
  const now = options.now ?? Date.now;
  const store = guardStore(options.store, { now, ...options.storeGuard });
  const maxWatches = options.maxWatches ?? 1_000;

  const scheduler = createScheduler({
    store,
    now,
    tickMs: options.tickMs,
    onError: options.onError,
    // Made just below: its deliveries need the scheduler's stop signal.
    run: (id, definition) => runWatch(id, definition),
  });
  const runWatch = createRunWatch({
    store,
    captureService,
    history: options.history,
    signingSecret: options.signingSecret,
    now,
    deliver: createDelivery({
      sender,
      webhookSecret: options.webhookSecret,
      counters: captureService,
      timeoutMs: options.deliveryTimeoutMs,
      retries: options.deliveryRetries,
      retryBackoffMs: options.retryBackoffMs,
      now,
      stopSignal: scheduler.stopSignal,
      onError: options.onError,
    }),
  });

  async function create(request: WatchRequest, origin: string): Promise<Watch> {
    await sender.check(request.webhook);
    let count: number;
    try {
      count = (await store.listWatches()).length;
    } catch (cause) {
      throw storeUnavailable(cause);
    }
    if (count >= maxWatches) throw new WatchLimitError(maxWatches);
    const id = randomUUID();
    const definition: StoredDefinition = {
      url: request.options.url,
      every: request.every,
      webhook: request.webhook,
      options: request.options,
      createdAt: new Date(now()).toISOString(),
      origin: options.publicOrigin ?? origin,
    };
    try {
      // The first run at once: it sees the image every later change is told against.
      await store.saveWatch(id, JSON.stringify(definition), request.every, now());
    } catch (cause) {
      throw storeUnavailable(cause);
    }
    const { origin: _origin, ...watch } = definition;
    return { id, ...watch, nextRunAt: new Date(now()).toISOString() };
  }

  return {
    create,
    runDue: scheduler.runDue,
    async list() {
      let kept: Awaited<ReturnType<CacheStore["listWatches"]>>;
      try {
        kept = await store.listWatches();
      } catch (cause) {
        throw storeUnavailable(cause);
      }
      return kept
        .flatMap(({ id, definition, nextRunAt }) => watchOf(id, definition, nextRunAt) ?? [])
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    },
    async delete(id) {
      try {
        return await store.deleteWatch(id);
      } catch (cause) {
        throw storeUnavailable(cause);
      }
    },
    start: scheduler.start,
    stop: scheduler.stop,
  };
}
