import {
  type CacheStore,
  type CaptureService,
  captureOptionsSchema,
  type HistoryService,
  queryPairs,
  screenshotPathOf,
  signedDiffPath,
  type WatchDelivery,
  type WatchRunOutcome,
} from "@shotcache/core";
import type { Deliver } from "./delivery";
import { type StoredDefinition, storedDefinitionSchema } from "./stored-definition";

/** How long the signed image and diff URLs in a delivery stay valid: a week. */
const SIGNED_URL_SECONDS = 7 * 24 * 60 * 60;

export interface RunWatchOptions {
  store: Pick<CacheStore, "swapWatchEtag">;
  captureService: CaptureService;
  /**
   * Keeps the image each watch last told of, and measures changes against it; without it, any
   * new image is a change.
   */
  history?: Pick<HistoryService, "keepBaseline" | "changeSinceBaseline">;
  deliver: Deliver;
  /** With it, `imageUrl` and `diffUrl` are signed public URLs (valid a week). */
  signingSecret?: string;
  now: () => number;
}

/** Runs one claimed watch (its id and stored JSON definition), resolving to how the run ended. */
export type RunWatch = (id: string, definition: string) => Promise<WatchRunOutcome>;

/**
 * One run of a watch: renders it anew as a REFRESH through the cache, compares the image with the
 * one the watch last told of (by ETag, then by how much it changed, its masks left out), and
 * delivers the change to its webhook when it passes the watch's `changeThreshold`.
 */
export function createRunWatch(options: RunWatchOptions): RunWatch {
  const { store, captureService, deliver, now } = options;
  const secret = options.signingSecret;
  const expiry = () => ({ expiresInSeconds: SIGNED_URL_SECONDS, now: now() });
  const query = (pairs: [string, string][]) => new URLSearchParams(pairs);

  /** The new image: a signed public URL when the server signs, else the API's own. */
  const imageUrlOf = ({ origin, options: watched }: StoredDefinition) =>
    origin + screenshotPathOf(watched, secret, expiry());

  /** The diff of the image last told of (the watch's baseline) and the new one, the same way. */
  const diffUrlOf = (
    { origin, options: watched }: StoredDefinition,
    versions: { from: string; to: string; baseline: string },
  ) =>
    origin +
    (secret
      ? signedDiffPath(watched, versions, secret, expiry())
      : `/api/v1/diff?${query([...queryPairs(watched), ...Object.entries(versions)])}`);

  return async (id, definition) => {
    const parsed = storedDefinitionSchema.safeParse(JSON.parse(definition));
    if (!parsed.success) return "failed";
    const watched = parsed.data as StoredDefinition;
    // Checked again: what the store gives back is never trusted blindly.
    const capture = captureOptionsSchema.parse({ ...watched.options, refresh: true });
    const result = await captureService.capture(capture);
    const previous = await store.swapWatchEtag(id, result.etag);
    const { history } = options;
    if (previous === undefined) {
      await history?.keepBaseline(id, capture, result.etag);
      return "first";
    }
    if (previous === result.etag) return "unchanged";
    let changeRatio: number | null;
    try {
      changeRatio = history ? await history.changeSinceBaseline(id, capture, result.etag) : null;
    } catch (error) {
      // Measured again at the next run, against the same image.
      await store.swapWatchEtag(id, previous);
      throw error;
    }
    if (changeRatio !== null && changeRatio <= capture.changeThreshold) {
      // Not enough to tell: the next run compares with the image last told of, so that small
      // changes that add up are told once they pass the threshold.
      await store.swapWatchEtag(id, previous);
      return "unchanged";
    }
    const versions = { from: previous, to: result.etag, baseline: id };
    await deliver(id, watched.webhook, {
      watchId: id,
      url: watched.url,
      etag: result.etag,
      previousEtag: previous,
      changedAt: new Date(result.changedAt).toISOString(),
      imageUrl: imageUrlOf(watched),
      changeRatio,
      diffUrl: diffUrlOf(watched, versions),
    } satisfies WatchDelivery);
    // The image just told of is the one the next runs compare with.
    await history?.keepBaseline(id, capture, result.etag);
    return "delivered";
  };
}
