/**
 * @module After a render is stored, nobody waiting: it is kept as the variant's newest version,
 * and its change against the version before is measured (off the event loop, by the change
 * meter) and noted on the version and on the entry, for the answers that follow; a change under
 * the rendering capture's threshold is then no change for the render history either (the
 * adaptive TTL, the statistics' change counts, Last-Modified).
 */
import { maskSignature, masksOf } from "./change-masks";
import type { ChangeMeter } from "./ports";
import type { Job } from "./render-and-store";
import type { CacheStore, StoredShot } from "./store-ports";
import { isImage, type Region } from "./versions";

export interface ChangeTrackingOptions {
  store: Pick<
    CacheStore,
    "addVersion" | "readVersionImage" | "noteChangeRatio" | "noteEntryChange" | "reviseRender"
  >;
  /** Without one, versions are kept but not compared. */
  meter: ChangeMeter | undefined;
  /** Versions kept per variant; 0 keeps none, and measures nothing. */
  keep: number;
  /** Work nobody awaits, which a host waits for before it may be frozen. */
  track: (work: Promise<unknown>) => void;
  onStoreError: (error: unknown, operation: string) => void;
  /** Told when an image could not be measured (it stays a version, without a ratio). */
  onMeasureError: (error: unknown) => void;
}

export function createChangeTracking(options: ChangeTrackingOptions) {
  const { store, meter, keep } = options;

  async function measure(job: Job, shot: StoredShot, boxes: Record<string, Region[]>) {
    const { key, urlKey } = job.id;
    const version = { ...shot, boxes };
    const [newest, previous] = await store.addVersion(key, urlKey, version, keep);
    // The same image as the newest version's is no new version: it changed by nothing. A PDF or
    // metadata is compared by its bytes alone.
    if (newest?.capturedAt !== shot.capturedAt || !previous || !meter) return;
    if (!isImage(shot.contentType) || !isImage(previous.contentType)) return;
    const before = await store.readVersionImage(key, urlKey, previous.etag);
    if (!before) return;
    const masks = masksOf(job.target, previous.boxes, boxes);
    let ratio: number;
    try {
      ratio = await meter.measure({ before, after: shot.bytes, masks });
    } catch (error) {
      options.onMeasureError(error);
      return;
    }
    const signature = maskSignature(job.target);
    await store.noteChangeRatio(key, urlKey, { capturedAt: shot.capturedAt, signature, ratio });
    // Too small a change for the capture that rendered it: no change for the adaptive TTL and
    // the statistics either, and the content keeps its earlier time of change.
    const changedAt =
      ratio <= job.target.changeThreshold
        ? await store.reviseRender(key, urlKey, shot.capturedAt)
        : undefined;
    await store.noteEntryChange(key, urlKey, { etag: shot.etag, signature, ratio, changedAt });
  }

  return {
    /** Keeps a stored render as a version and measures its change, in the background. */
    afterStored(job: Job, shot: StoredShot, boxes: Record<string, Region[]> = {}): void {
      if (keep <= 0) return;
      options.track(
        measure(job, shot, boxes).catch((error: unknown) =>
          options.onStoreError(error, "versions"),
        ),
      );
    },
  };
}
