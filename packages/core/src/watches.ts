import { randomUUID } from "node:crypto";
import pRetry from "p-retry";
import { z } from "zod";
import type { CaptureService } from "./capture-service-types";
import { CaptureError, storeUnavailable } from "./errors";
import { guardStore, type StoreGuardOptions } from "./guarded-store";
import { captureOptionsObjectSchema, captureOptionsSchema, MAX_URL_LENGTH } from "./options";
import type { CacheStore, WebhookSender } from "./ports";
import {
  queryPairs,
  SIGNATURE_HEADER,
  type SignableInput,
  signedScreenshotPath,
  TIMESTAMP_HEADER,
  webhookSignature,
} from "./signing";

/** Longest interval of a watch: a week. */
export const MAX_WATCH_EVERY_SECONDS = 7 * 24 * 60 * 60;

/**
 * A watch as a caller sends it: capture options (every one but `refresh` and `noCache`: a watch
 * renders anew every time, through the cache), `every` (seconds) and the `webhook` told of each
 * change.
 */
export const watchInputSchema = captureOptionsObjectSchema
  .omit({ refresh: true, noCache: true })
  .extend({
    every: z.int().min(1).max(MAX_WATCH_EVERY_SECONDS),
    webhook: z
      .url({ protocol: /^https?$/, error: "must be an absolute http or https URL" })
      .max(MAX_URL_LENGTH),
  });

/** What a caller sends to create a watch. */
export type WatchInput = z.input<typeof watchInputSchema>;

/**
 * A watch request as the server takes it: `every` at least `minEverySeconds`, and the capture
 * options valid as for a capture, with their defaults applied (kept so, a watch renders the same
 * image whatever later defaults become).
 */
export function watchRequestSchema(minEverySeconds: number) {
  return watchInputSchema
    .refine((input) => input.every >= minEverySeconds, {
      path: ["every"],
      error: `must be at least ${minEverySeconds} seconds on this server`,
    })
    .transform((input, context) => {
      const { every, webhook, ...capture } = input;
      const options = captureOptionsSchema.safeParse(capture);
      if (!options.success) {
        for (const issue of options.error.issues) context.addIssue(issue as z.core.$ZodRawIssue);
        return z.NEVER;
      }
      const { refresh: _refresh, noCache: _noCache, ...watched } = options.data;
      return { every, webhook, options: watched };
    });
}

/** A watch request as validated (see `watchRequestSchema`). */
export type WatchRequest = z.output<ReturnType<typeof watchRequestSchema>>;

/** The capture options of a watch. */
export type WatchedOptions = WatchRequest["options"];

/** A watch as it is kept and listed. */
export interface Watch {
  id: string;
  url: string;
  /** Seconds between renders. */
  every: number;
  webhook: string;
  /**
   * The capture options, defaults applied, as plain values (a type of its own: the SDK's
   * declarations name no schema).
   */
  options: SignableInput & { url: string };
  /** ISO times. */
  createdAt: string;
  nextRunAt?: string;
}

/** What a webhook receives when a watched page changed. */
export interface WatchDelivery {
  watchId: string;
  url: string;
  etag: string;
  /** The image the watch saw before this one. */
  previousEtag: string;
  /** When the content changed (ISO time). */
  changedAt: string;
  /** Where to fetch the new image: a signed public URL when the server signs, else the API's. */
  imageUrl: string;
}

/** The definition the store keeps (its JSON), with where its image is fetched from. */
interface StoredDefinition extends Omit<Watch, "id" | "nextRunAt"> {
  /** The server's public origin as the watch's creator reached it, for `imageUrl`. */
  origin: string;
}

const storedDefinitionSchema = z.object({
  url: z.string(),
  every: z.number(),
  webhook: z.string(),
  options: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  origin: z.string(),
});

export interface WatchServiceOptions {
  store: CacheStore;
  /** Deadlines and circuit breaking for store calls. */
  storeGuard?: StoreGuardOptions;
  captureService: CaptureService;
  sender: WebhookSender;
  /** Deliveries are signed with it, as the inbound webhook is. */
  webhookSecret: string;
  /** With it, `imageUrl` is a signed public URL (valid a week). */
  signingSecret?: string;
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

/** How a due watch's run ended: its first image seen, no change, a change told, or a failure. */
export type WatchRunOutcome = "first" | "unchanged" | "delivered" | "failed";

/** What one look at the due watches did (`runDue`): each watch it claimed, and how its run ended. */
export interface WatchRunReport {
  ran: { id: string; url: string; outcome: WatchRunOutcome }[];
}

export interface WatchService {
  create(request: WatchRequest, origin: string): Promise<Watch>;
  list(): Promise<Watch[]>;
  /** Resolves to whether the watch existed. */
  delete(id: string): Promise<boolean>;
  /**
   * Claims the watches due now (each run is claimed in the store, so of several instances asked at
   * once only one runs it) and runs them, resolving when every run has ended. What a cron route
   * calls where no process stays up to `start()` a scheduler (a serverless host).
   */
  runDue(): Promise<WatchRunReport>;
  /** Starts looking for due watches every `tickMs`. */
  start(): void;
  /** Stops looking, gives up retries, and waits for the runs under way. */
  stop(): Promise<void>;
}

/** The server keeps as many watches as it may: one must go before another is made. */
export class WatchLimitError extends Error {
  override readonly name = "WatchLimitError";
  constructor(readonly limit: number) {
    super(`This server keeps at most ${limit} watches; delete one first.`);
  }
}

const IMAGE_URL_SECONDS = 7 * 24 * 60 * 60;
/** Watches claimed per look: the render pool bounds how many render at once. */
const CLAIM_LIMIT = 20;
/**
 * Runs at once in `runDue`: a serverless instance has a core or two and a render pool that refuses
 * work past a few queued renders; a refused run would wait for its next interval.
 */
const RUN_DUE_AT_ONCE = 2;

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
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = new AbortController();

  function watchOf(id: string, definition: string, nextRunAt?: number): Watch | undefined {
    try {
      const { origin: _origin, ...stored } = storedDefinitionSchema.parse(JSON.parse(definition));
      return {
        id,
        ...(stored as Omit<StoredDefinition, "origin">),
        ...(nextRunAt === undefined ? {} : { nextRunAt: new Date(nextRunAt).toISOString() }),
      };
    } catch {
      return undefined; // not one we wrote: never run it
    }
  }

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

  function imageUrlOf(definition: StoredDefinition): string {
    if (options.signingSecret) {
      const { path } = signedScreenshotPath(definition.options, options.signingSecret, {
        expiresInSeconds: IMAGE_URL_SECONDS,
        now: now(),
      });
      return `${definition.origin}${path}`;
    }
    const query = new URLSearchParams(queryPairs(definition.options));
    return `${definition.origin}/api/v1/screenshot?${query}`;
  }

  async function deliver(watchId: string, webhook: string, delivery: WatchDelivery) {
    const body = JSON.stringify(delivery);
    await pRetry(
      async () => {
        const timestamp = Math.floor(now() / 1000);
        const headers = {
          "content-type": "application/json",
          "user-agent": "shotcache-watch",
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: webhookSignature(options.webhookSecret, timestamp, body),
        };
        const signal = AbortSignal.any([
          stopping.signal,
          AbortSignal.timeout(options.deliveryTimeoutMs ?? 5_000),
        ]);
        await sender.post(webhook, body, headers, signal);
      },
      {
        retries: options.deliveryRetries ?? 3,
        minTimeout: options.retryBackoffMs ?? 1_000,
        factor: 2,
        randomize: false,
        signal: stopping.signal,
        // A refusal by the network policy will not change by trying again.
        shouldRetry: ({ error }) => !CaptureError.is(error),
        onFailedAttempt: ({ error }) => {
          captureService.count({ webhookFailures: 1 });
          options.onError?.(error, watchId, "delivery");
        },
      },
    );
    captureService.count({ webhookDeliveries: 1 });
  }

  async function run(id: string, definition: string): Promise<WatchRunOutcome> {
    const parsed = storedDefinitionSchema.safeParse(JSON.parse(definition));
    if (!parsed.success) return "failed";
    const watched = parsed.data as StoredDefinition;
    // Checked again: what the store gives back is never trusted blindly.
    const capture = captureOptionsSchema.parse({ ...watched.options, refresh: true });
    const result = await captureService.capture(capture);
    const previous = await store.swapWatchEtag(id, result.etag);
    if (previous === undefined) return "first";
    if (previous === result.etag) return "unchanged";
    await deliver(id, watched.webhook, {
      watchId: id,
      url: watched.url,
      etag: result.etag,
      previousEtag: previous,
      changedAt: new Date(result.changedAt).toISOString(),
      imageUrl: imageUrlOf(watched),
    });
    return "delivered";
  }

  /** A run whose failure is told, never thrown: one watch's trouble is not the others'. */
  const runReported = (id: string, definition: string) =>
    run(id, definition).catch((error): WatchRunOutcome => {
      options.onError?.(error, id, "run");
      return "failed";
    });

  async function runDue(): Promise<WatchRunReport> {
    let due: { id: string; definition: string }[];
    try {
      due = await store.claimDueWatches(now(), CLAIM_LIMIT);
    } catch (cause) {
      throw storeUnavailable(cause);
    }
    const ran: WatchRunReport["ran"] = [];
    const queue = [...due];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const outcome = await runReported(next.id, next.definition);
        ran.push({ id: next.id, url: watchOf(next.id, next.definition)?.url ?? "", outcome });
      }
    };
    const work = Promise.all(Array.from({ length: RUN_DUE_AT_ONCE }, worker)).then(() => {});
    // Tracked like the scheduler's runs, so that `stop()` waits for these too.
    const tracked = work.finally(() => running.delete(tracked));
    running.add(tracked);
    await tracked;
    return { ran };
  }

  async function tick(): Promise<void> {
    let due: { id: string; definition: string }[];
    try {
      due = await store.claimDueWatches(now(), CLAIM_LIMIT);
    } catch {
      return; // the store is down: the watches stay due until it is back
    }
    for (const { id, definition } of due) {
      const work: Promise<void> = runReported(id, definition)
        .then(() => {})
        .finally(() => running.delete(work));
      running.add(work);
    }
  }

  return {
    create,
    runDue,
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
    start() {
      if (timer) return;
      stopping = new AbortController();
      let looking = false;
      timer = setInterval(() => {
        if (looking) return; // a slow store: one look at a time
        looking = true;
        void tick().finally(() => {
          looking = false;
        });
      }, options.tickMs ?? 500);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      stopping.abort();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
