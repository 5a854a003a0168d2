/**
 * @module A variant's versions as callers see them: the list, newest first, each with its change
 * measured with the caller's masks (measured now where no render was measured with them); a
 * version's image; and the diff of two versions.
 */
import { cacheKeyFor } from "./cache-key";
import { maskSignature, masksOf } from "./change-masks";
import { CaptureError, storeUnavailable } from "./errors";
import type { CaptureOptions } from "./options";
import type { ChangeMeter } from "./ports";
import type { CacheStore } from "./store-ports";
import { isImage, type StoredVersion, type VersionFacts } from "./versions";

export interface VersionReport extends VersionFacts {
  /** The change against the version before it with the caller's masks; null for the oldest. */
  changeRatio: number | null;
}

export interface VersionDiff {
  /** `to` faded, its changed pixels red, the masked areas hatched. */
  png: Uint8Array;
  ratio: number;
  from: VersionFacts;
  to: VersionFacts;
}

export interface HistoryService {
  list(options: CaptureOptions): Promise<VersionReport[]>;
  /** A version's image, or undefined when the variant keeps none with that ETag. */
  image(
    options: CaptureOptions,
    etag: string,
  ): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  /**
   * The change from version `from` to version `to` (ETags) with `options`' masks; null when either
   * is no longer kept.
   */
  change(options: CaptureOptions, from: string, to: string): Promise<number | null>;
  /**
   * The diff of versions `from` and `to` (ETags; by default the two newest). Throws
   * VERSION_NOT_FOUND, naming `from` or `to`, for an ETag the variant does not keep.
   */
  diff(options: CaptureOptions, pick?: { from?: string; to?: string }): Promise<VersionDiff>;
}

export interface HistoryServiceOptions {
  store: Pick<CacheStore, "listVersions" | "readVersionImage" | "noteChangeRatio">;
  meter: ChangeMeter;
}

const factsOf = ({ etag, contentType, capturedAt }: StoredVersion): VersionFacts => ({
  etag,
  contentType,
  capturedAt,
});

export function createHistoryService({ store, meter }: HistoryServiceOptions): HistoryService {
  /** A measure whose failure (an image that cannot be decoded) is a coded render failure. */
  async function coded<T>(measure: () => Promise<T>): Promise<T> {
    try {
      return await measure();
    } catch (error) {
      throw new CaptureError("RENDER_FAILED", "The versions could not be compared.", {
        cause: error,
      });
    }
  }

  /** A store call whose failure is the caller's 503. */
  async function fromStore<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw storeUnavailable(error);
    }
  }

  async function imagesOf(options: CaptureOptions, ...versions: StoredVersion[]) {
    const { key, urlKey } = cacheKeyFor(options);
    const images = await fromStore(() =>
      Promise.all(versions.map(({ etag }) => store.readVersionImage(key, urlKey, etag))),
    );
    return images.every((image) => image !== undefined) ? images : undefined;
  }

  /**
   * The change of `newer` against `older`, measured now; noted for the next caller when `older`
   * is the version just before `newer`.
   */
  async function measured(
    options: CaptureOptions,
    older: StoredVersion,
    newer: StoredVersion,
    adjacent = true,
  ) {
    if (older.etag === newer.etag) return 0;
    const images = await imagesOf(options, older, newer);
    if (!images) return null;
    const [before, after] = images as [Uint8Array, Uint8Array];
    const ratio = await meter.measure({
      before,
      after,
      masks: masksOf(options, older.boxes, newer.boxes),
    });
    if (!adjacent) return ratio;
    const { key, urlKey } = cacheKeyFor(options);
    const signature = maskSignature(options);
    await fromStore(() =>
      store.noteChangeRatio(key, urlKey, { capturedAt: newer.capturedAt, signature, ratio }),
    );
    return ratio;
  }

  const versionsOf = (options: CaptureOptions) => {
    const { key, urlKey } = cacheKeyFor(options);
    return fromStore(() => store.listVersions(key, urlKey));
  };

  return {
    async list(options) {
      const versions = await versionsOf(options);
      const signature = maskSignature(options);
      const reports: VersionReport[] = [];
      for (const [index, version] of versions.entries()) {
        const older = versions[index + 1];
        const known = version.changeRatios[signature];
        const changeRatio = older ? (known ?? (await measured(options, older, version))) : null;
        reports.push({ ...factsOf(version), changeRatio });
      }
      return reports;
    },

    async change(options, from, to) {
      const versions = await versionsOf(options);
      const older = versions.find(({ etag }) => etag === from);
      const newer = versions.find(({ etag }) => etag === to);
      if (!older || !newer) return null;
      const known = versions[versions.indexOf(older) - 1] === newer;
      const ratio = known ? newer.changeRatios[maskSignature(options)] : undefined;
      return ratio ?? measured(options, older, newer, known);
    },

    async image(options, etag) {
      const version = (await versionsOf(options)).find((each) => each.etag === etag);
      if (!version) return undefined;
      const [bytes] = (await imagesOf(options, version)) ?? [];
      return bytes && { bytes, contentType: version.contentType };
    },

    async diff(options, pick = {}) {
      const versions = await versionsOf(options);
      const find = (
        field: "from" | "to",
        etag: string | undefined,
        fallback: StoredVersion | undefined,
      ) => {
        const version = etag === undefined ? fallback : versions.find((each) => each.etag === etag);
        if (version) return version;
        throw new CaptureError(
          "VERSION_NOT_FOUND",
          etag === undefined
            ? "The variant has fewer than two versions to compare."
            : `The variant keeps no version with the ETag ${etag}.`,
          { field: etag === undefined ? "url" : field },
        );
      };
      const to = find("to", pick.to, versions[0]);
      const from = find("from", pick.from, versions[versions.indexOf(to) + 1]);
      const images = await imagesOf(options, from, to);
      if (!images) {
        throw new CaptureError("VERSION_NOT_FOUND", "A version's image is no longer kept.", {
          field: "url",
        });
      }
      if (!isImage(from.contentType) || !isImage(to.contentType)) {
        throw new CaptureError(
          "VERSION_NOT_FOUND",
          "Only images are compared: this is a PDF or metadata.",
          {
            field: "format",
          },
        );
      }
      const [before, after] = images as [Uint8Array, Uint8Array];
      const masks = masksOf(options, from.boxes, to.boxes);
      const { ratio, png } = await coded(() => meter.diff({ before, after, masks }));
      return { png, ratio, from: factsOf(from), to: factsOf(to) };
    },
  };
}
