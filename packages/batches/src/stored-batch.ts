/**
 * @module A batch as the service keeps it in the store: its definition (the captures, who made it,
 * where to tell) and each capture's result, both JSON, and what a report of them looks like.
 */
import {
  BATCH_KEEP_SECONDS,
  type BatchCaller,
  type BatchCaptureReport,
  type BatchReport,
  CAPTURE_ERROR_CODES,
  type CaptureOptions,
  captureOptionsSchema,
  type StoredBatch,
  screenshotPathOf,
} from "@shotcache/core";
import { z } from "zod";

export interface BatchDefinition {
  createdAt: number;
  /** The server's public origin: where its results' URLs point. */
  origin: string;
  webhook?: string;
  caller: BatchCaller;
  /** The captures' options, defaults applied. */
  captures: CaptureOptions[];
}

/** What the store gives back is checked, never trusted blindly. */
const definitionSchema = z.object({
  createdAt: z.number(),
  origin: z.string(),
  webhook: z.string().optional(),
  caller: z.object({ keyId: z.string().optional(), limitedAs: z.string() }),
  captures: z.array(captureOptionsSchema),
});

export const captureResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("done"), etag: z.string(), cache: z.string() }),
  z.object({
    status: z.literal("failed"),
    code: z.enum(CAPTURE_ERROR_CODES),
    message: z.string(),
  }),
]);
export type CaptureResultNote = z.infer<typeof captureResultSchema>;

export function definitionOf(json: string): BatchDefinition | undefined {
  try {
    const parsed = definitionSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as BatchDefinition) : undefined;
  } catch {
    return undefined;
  }
}

/** The results noted so far, by capture index (one unreadable counts as not yet noted). */
export function resultsOf(stored: StoredBatch): Map<number, CaptureResultNote> {
  const results = new Map<number, CaptureResultNote>();
  for (const [index, json] of Object.entries(stored.results)) {
    try {
      const parsed = captureResultSchema.safeParse(JSON.parse(json));
      if (parsed.success) results.set(Number(index), parsed.data);
    } catch {
      // Left as not yet done: its capture runs again.
    }
  }
  return results;
}

/**
 * The batch as its callers see it. A capture done links to its image: a signed public URL (valid
 * as long as the batch is kept) when the server signs, else the API's own.
 */
export function reportOf(
  id: string,
  stored: StoredBatch,
  definition: BatchDefinition,
  signing: { secret: string | undefined; now: number },
): BatchReport {
  const results = resultsOf(stored);
  // Signed links last as long as the batch is kept.
  const keptUntil = definition.createdAt + BATCH_KEEP_SECONDS * 1000;
  const expiry = {
    expiresInSeconds: Math.max(60, Math.ceil((keptUntil - signing.now) / 1000)),
    now: signing.now,
  };
  const captures = definition.captures.map((options, index): BatchCaptureReport => {
    const url = options.url ?? "";
    const result = results.get(index);
    if (!result) return { index, url, status: stored.cancelled ? "cancelled" : "queued" };
    if (result.status === "failed") {
      const error = { code: result.code, message: result.message };
      return { index, url, status: "failed", error };
    }
    const done = { index, url, status: "done", etag: result.etag, cache: result.cache } as const;
    // A link answers from the cache: never one that renders again (`refresh`), and none at all
    // for an image that was not kept (`noCache`).
    if (options.noCache) return done;
    const { refresh: _refresh, noCache: _noCache, ...cached } = options;
    return { ...done, image: definition.origin + screenshotPathOf(cached, signing.secret, expiry) };
  });
  const count = (status: BatchCaptureReport["status"]) =>
    captures.filter((capture) => capture.status === status).length;
  const finished = stored.finishedAt !== undefined;
  return {
    id,
    status: !finished ? "running" : stored.cancelled ? "cancelled" : "completed",
    createdAt: new Date(definition.createdAt).toISOString(),
    ...(finished ? { finishedAt: new Date(stored.finishedAt ?? 0).toISOString() } : {}),
    progress: {
      total: captures.length,
      queued: count("queued"),
      done: count("done"),
      failed: count("failed"),
      cancelled: count("cancelled"),
    },
    captures,
  };
}
