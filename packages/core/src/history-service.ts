/**
 * @module A variant's versions as callers see them: the list, newest first, each with its change
 * measured with the caller's masks (measured now where no render was measured with them); a
 * version's image; the diff of two versions; and the baselines of watches, each the image a watch
 * last told of, kept apart from the variant's versions so that it outlives them.
 */
import { cacheKeyFor } from "./cache-key";
import { maskSignature, masksOf } from "./change-masks";
import { CaptureError, storeUnavailable } from "./errors";
import type { CaptureOptions } from "./options";
import type { ChangeMeter } from "./ports";
import type { CacheStore } from "./store-ports";
import { isImage, type StoredVersion, type VersionFacts } from "./versions";

export interface VersionReport extends VersionFacts {
  /**
   * The change against the version before it with the caller's masks; null for the oldest, for a
   * PDF or metadata, or where an image is no longer kept.
   */
  changeRatio: number | null;
}

export interface VersionDiff {
  /** `to` faded, its changed pixels red, the masked areas hatched. */
  png: Uint8Array;
  ratio: number;
  from: VersionFacts;
  to: VersionFacts;
}

/** Which versions a diff compares: ETags, and `baseline`, a watch whose baseline `from` is. */
export interface DiffPick {
  from?: string;
  to?: string;
  baseline?: string;
}

export interface HistoryService {
  list(options: CaptureOptions): Promise<VersionReport[]>;
  /** A version's image, or undefined when the variant keeps none with that ETag. */
  image(
    options: CaptureOptions,
    etag: string,
  ): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  /**
   * The diff of versions `from` and `to` (by default the two newest). Throws VERSION_NOT_FOUND,
   * naming `from` or `to`, for an ETag the variant (or the baseline) does not keep.
   */
  diff(options: CaptureOptions, pick?: DiffPick): Promise<VersionDiff>;
  /**
   * Keeps the variant's version `etag` (its image and boxes) as the baseline named `name` (a
   * watch's id), once that version is kept (it is, just after its render's answer).
   */
  keepBaseline(name: string, options: CaptureOptions, etag: string): Promise<void>;
  /**
   * The change from baseline `name` to the variant's version `etag`, with `options`' masks; null
   * where there is no baseline, either is no image (a PDF, metadata), or an image is gone.
   */
  changeSinceBaseline(name: string, options: CaptureOptions, etag: string): Promise<number | null>;
}

export interface HistoryServiceOptions {
  store: Pick<CacheStore, "listVersions" | "readVersionImage" | "noteChangeRatio" | "addVersion">;
  meter: ChangeMeter;
  /** Longest wait for a render's version to be kept. @default 5000 */
  versionWaitMs?: number;
}

const factsOf = ({ etag, contentType, capturedAt }: StoredVersion): VersionFacts => ({
  etag,
  contentType,
  capturedAt,
});

/** Where a watch's baseline is kept: beside its variant's versions, under a key of its own. */
const baselineKey = (name: string) => `baseline:${name}`;

const notFound = (message: string, field: string) =>
  new CaptureError("VERSION_NOT_FOUND", message, { field });

export function createHistoryService(options: HistoryServiceOptions): HistoryService {
  const { store, meter } = options;
  const versionWaitMs = options.versionWaitMs ?? 5_000;

  /** A store call whose failure is the caller's 503. */
  async function fromStore<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw storeUnavailable(error);
    }
  }

  /** A version of `key` (a variant's, or a baseline's), with its image. */
  interface Held {
    key: string;
    version: StoredVersion;
  }

  async function imagesOf(urlKey: string, ...held: Held[]) {
    const images = await fromStore(() =>
      Promise.all(
        held.map(({ key, version }) => store.readVersionImage(key, urlKey, version.etag)),
      ),
    );
    return images.every((image) => image !== undefined) ? (images as Uint8Array[]) : undefined;
  }

  /** The change from `older` to `newer` with `capture`'s masks; null where it cannot be measured. */
  async function measure(capture: CaptureOptions, older: Held, newer: Held) {
    if (older.version.etag === newer.version.etag) return 0;
    if (!isImage(older.version.contentType) || !isImage(newer.version.contentType)) return null;
    const images = await imagesOf(cacheKeyFor(capture).urlKey, older, newer);
    if (!images) return null;
    const [before, after] = images as [Uint8Array, Uint8Array];
    const masks = masksOf(capture, older.version.boxes, newer.version.boxes);
    try {
      return await meter.measure({ before, after, masks });
    } catch (error) {
      throw new CaptureError("RENDER_FAILED", "The versions could not be compared.", {
        cause: error,
      });
    }
  }

  const versionsOf = (capture: CaptureOptions, key = cacheKeyFor(capture).key) =>
    fromStore(() => store.listVersions(key, cacheKeyFor(capture).urlKey));

  /** The variant's version `etag`, waiting for it to be kept; undefined if it never is. */
  async function awaitedVersion(capture: CaptureOptions, etag: string) {
    const deadline = Date.now() + versionWaitMs;
    for (;;) {
      const version = (await versionsOf(capture)).find((each) => each.etag === etag);
      if (version || Date.now() > deadline) return version;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    async list(capture) {
      const { key, urlKey } = cacheKeyFor(capture);
      const versions = await versionsOf(capture);
      const signature = maskSignature(capture);
      const reports: VersionReport[] = [];
      for (const [index, version] of versions.entries()) {
        const older = versions[index + 1];
        let changeRatio = version.changeRatios[signature] ?? null;
        if (changeRatio === null && older) {
          changeRatio = await measure(capture, { key, version: older }, { key, version });
          const ratio = changeRatio;
          if (ratio !== null) {
            const noted = { capturedAt: version.capturedAt, signature, ratio };
            await fromStore(() => store.noteChangeRatio(key, urlKey, noted));
          }
        }
        reports.push({ ...factsOf(version), changeRatio });
      }
      return reports;
    },

    async image(capture, etag) {
      const { key, urlKey } = cacheKeyFor(capture);
      const version = (await versionsOf(capture)).find((each) => each.etag === etag);
      if (!version) return undefined;
      const [bytes] = (await imagesOf(urlKey, { key, version })) ?? [];
      return bytes && { bytes, contentType: version.contentType };
    },

    async diff(capture, pick = {}) {
      const { key, urlKey } = cacheKeyFor(capture);
      const versions = await versionsOf(capture);
      const pickTo = pick.to ?? versions[0]?.etag;
      const toVersion = versions.find((each) => each.etag === pickTo);
      if (!toVersion) {
        throw pick.to === undefined
          ? notFound("The variant has fewer than two versions to compare.", "url")
          : notFound(`The variant keeps no version with the ETag ${pick.to}.`, "to");
      }
      const fromKey = pick.baseline === undefined ? key : baselineKey(pick.baseline);
      const candidates =
        pick.baseline === undefined ? versions : await versionsOf(capture, fromKey);
      const pickFrom = pick.from ?? versions[versions.indexOf(toVersion) + 1]?.etag;
      const fromVersion = candidates.find((each) => each.etag === pickFrom);
      if (!fromVersion) {
        throw pick.from === undefined
          ? notFound("The variant has fewer than two versions to compare.", "url")
          : notFound(`No version with the ETag ${pick.from} is kept.`, "from");
      }
      if (!isImage(fromVersion.contentType) || !isImage(toVersion.contentType)) {
        throw notFound("Only images are compared: this is a PDF or metadata.", "format");
      }
      const from = { key: fromKey, version: fromVersion };
      const images = await imagesOf(urlKey, from, { key, version: toVersion });
      if (!images) throw notFound("A version's image is no longer kept.", "url");
      const [before, after] = images as [Uint8Array, Uint8Array];
      const masks = masksOf(capture, fromVersion.boxes, toVersion.boxes);
      try {
        const { ratio, png } = await meter.diff({ before, after, masks });
        return { png, ratio, from: factsOf(fromVersion), to: factsOf(toVersion) };
      } catch (error) {
        throw new CaptureError("RENDER_FAILED", "The versions could not be compared.", {
          cause: error,
        });
      }
    },

    async keepBaseline(name, capture, etag) {
      const { key, urlKey } = cacheKeyFor(capture);
      const version = await awaitedVersion(capture, etag);
      if (!version) return;
      const [bytes] = (await imagesOf(urlKey, { key, version })) ?? [];
      if (!bytes) return;
      await fromStore(() =>
        // The image told before stays beside it: the diff URL of the last delivery shows it.
        store.addVersion(
          baselineKey(name),
          urlKey,
          { ...factsOf(version), bytes, boxes: version.boxes },
          2,
        ),
      );
    },

    async changeSinceBaseline(name, capture, etag) {
      const [baseline] = await versionsOf(capture, baselineKey(name));
      if (!baseline) return null;
      const version = await awaitedVersion(capture, etag);
      if (!version) return null;
      const older = { key: baselineKey(name), version: baseline };
      return measure(capture, older, { key: cacheKeyFor(capture).key, version });
    },
  };
}
