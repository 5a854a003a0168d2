import { z } from "zod";
import {
  captureOptionsObjectSchema,
  captureOptionsSchema,
  MAX_URL_LENGTH,
  pageUrlSchema,
} from "./options";
import type { SignableInput } from "./signing";

// What every layer shares about watches: what a caller sends, what is kept and listed, what a
// webhook receives, and the service the API calls. The service itself (the scheduler, the runs and
// the signed webhook deliveries) is in @shotcache/watches.

/** Longest interval of a watch: a week. */
export const MAX_WATCH_EVERY_SECONDS = 7 * 24 * 60 * 60;

/**
 * A watch as a caller sends it: capture options (every one but `refresh` and `noCache`: a watch
 * renders anew every time, through the cache), `every` (seconds) and the `webhook` told of each
 * change.
 */
export const watchInputSchema = captureOptionsObjectSchema
  // A watch follows a page at its address: given markup never changes by itself. Cookies are left
  // out: a watch is kept, listed and named in the signed URLs its webhook gets.
  .omit({ refresh: true, noCache: true, html: true, cookies: true })
  .extend({
    url: pageUrlSchema,
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
  /**
   * How much the image changed since the one the watch last told of (0–1), its masks left out;
   * null when that image is no longer kept to compare with.
   */
  changeRatio: number | null;
  /** A PNG of what changed: a signed public URL when the server signs, else the API's. */
  diffUrl: string;
}

/** How a due watch's run ended: its first image seen, no change, a change told, or a failure. */
export type WatchRunOutcome = "first" | "unchanged" | "delivered" | "failed";

/** What one look at the due watches did (`runDue`): each watch it claimed, and how its run ended. */
export interface WatchRunReport {
  ran: { id: string; url: string; outcome: WatchRunOutcome }[];
}

/** What the API calls to keep and run watches; implemented by `createWatchService` of @shotcache/watches. */
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
