/**
 * @module A variant's versions: its last few distinct images, each with the change measured
 * against the one before it. Kept apart from the cache entry: an entry expires with its TTL and
 * goes with a purge, while versions are a record of what the page looked like, kept
 * HISTORY_KEEP_SECONDS past the latest render (a purge, which a CMS sends on every publish, is
 * exactly when that record matters).
 */

/** A rectangle in image pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether versions of this type can be compared pixel by pixel (a PDF or metadata cannot). */
export const isImage = (contentType: string) => contentType.startsWith("image/");

/**
 * Mask signatures whose ratios a version (and an entry) keeps: past them, the oldest noted goes,
 * so that callers asking with ever new masks cannot grow the store.
 */
export const MAX_MASK_SIGNATURES = 8;

/** Ratios with `signature`'s noted last, the oldest going past MAX_MASK_SIGNATURES. */
export function withRatio(
  ratios: Record<string, number> | undefined,
  signature: string,
  ratio: number,
): Record<string, number> {
  const { [signature]: _replaced, ...others } = ratios ?? {};
  const kept = Object.entries(others).slice(-(MAX_MASK_SIGNATURES - 1));
  return Object.fromEntries([...kept, [signature, ratio]]);
}

/** Versions kept per variant unless SHOTCACHE_HISTORY_VERSIONS says otherwise (0: none). */
export const DEFAULT_HISTORY_VERSIONS = 5;
/** Most versions a variant may keep, whatever the setting. */
export const MAX_HISTORY_VERSIONS = 50;

export interface VersionFacts {
  etag: string;
  contentType: string;
  /** When this image was rendered (epoch ms). */
  capturedAt: number;
}

/** A render to keep as the newest version. */
export interface NewVersion extends VersionFacts {
  bytes: Uint8Array;
  /** Where each ignored selector's elements were at its render, in image pixels. */
  boxes?: Record<string, Region[]>;
}

export interface StoredVersion extends VersionFacts {
  boxes: Record<string, Region[]>;
  /**
   * The change against the version before it (0–1), by the signature of the masks it was measured
   * with (see `maskSignature`); none yet for the oldest, or before the measure has run.
   */
  changeRatios: Record<string, number>;
}

/** Variants' versions and their images, shared by every instance using the store. */
export interface VersionStore {
  /**
   * Keeps `version` as the newest of variant `key`'s, unless its ETag is the newest's already (a
   * render of the same image is no new version); keeps the newest `keep` and drops the images no
   * kept version shows; all kept HISTORY_KEEP_SECONDS from now. An image larger than the store
   * accepts is not kept. Resolves to the versions as they now are, newest first.
   */
  addVersion(
    key: string,
    urlKey: string,
    version: NewVersion,
    keep: number,
  ): Promise<StoredVersion[]>;
  /** The versions of `key`, newest first; none when it has no history. */
  listVersions(key: string, urlKey: string): Promise<StoredVersion[]>;
  /** The image of `key`'s version with `etag`, or undefined when none is kept. */
  readVersionImage(key: string, urlKey: string, etag: string): Promise<Uint8Array | undefined>;
  /**
   * Notes the change of `key`'s version captured at `capturedAt` against the one before it, as
   * measured with the masks of `signature`. Nothing happens when that version is gone.
   */
  noteChangeRatio(
    key: string,
    urlKey: string,
    version: { capturedAt: number; signature: string; ratio: number },
  ): Promise<void>;
}
