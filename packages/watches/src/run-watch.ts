import {
  type CacheStore,
  type CaptureService,
  captureOptionsSchema,
  queryPairs,
  signedScreenshotPath,
  type WatchRunOutcome,
} from "@shotcache/core";
import type { Deliver } from "./delivery";
import { type StoredDefinition, storedDefinitionSchema } from "./stored-definition";

/** How long the signed image URL in a delivery stays valid: a week. */
const IMAGE_URL_SECONDS = 7 * 24 * 60 * 60;

export interface RunWatchOptions {
  store: Pick<CacheStore, "swapWatchEtag">;
  captureService: CaptureService;
  deliver: Deliver;
  /** With it, `imageUrl` is a signed public URL (valid a week). */
  signingSecret?: string;
  now: () => number;
}

/** Runs one claimed watch (its id and stored JSON definition), resolving to how the run ended. */
export type RunWatch = (id: string, definition: string) => Promise<WatchRunOutcome>;

/**
 * One run of a watch: renders it anew as a REFRESH through the cache, compares the image's ETag
 * with the one the watch saw last, and delivers the change to its webhook when they differ.
 */
export function createRunWatch(options: RunWatchOptions): RunWatch {
  const { store, captureService, deliver, now } = options;

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

  return async (id, definition) => {
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
  };
}
