/** @module What a capture, an inspection and a purge answer. */
import type { BypassReason, TtlSource } from "./cache-policy";
import type { CacheStatus } from "./cache-status";
import type { CdnPurgeReport } from "./cdn-purge";
import { maskSignature } from "./change-masks";
import type { CaptureOptions } from "./options";
import type { StoredShot, StoredVariant } from "./store-ports";

/** Why a capture was answered as it was, when the status alone does not say. */
export type CacheReason = BypassReason | "stale-while-revalidate" | "stale-if-error";

export interface CaptureResult {
  /** The image; empty when it is answered by `location`. */
  bytes: Uint8Array;
  /**
   * A short-lived URL of the image in the object store, instead of its bytes: only for a capture
   * that asked for one (`CaptureHow.location`), answered from a cache entry whose image is there.
   */
  location?: string;
  contentType: string;
  etag: string;
  cacheKey: string;
  status: CacheStatus;
  reason: CacheReason | undefined;
  /** When the image was rendered (epoch ms). */
  capturedAt: number;
  /** Whole seconds since the render. */
  ageSeconds: number;
  /** Whole seconds the image stays fresh; 0 when it was not stored, or is stale. */
  ttlSeconds: number;
  /** Where the TTL came from; undefined when the image was not stored. */
  ttlSource: TtlSource | undefined;
  /**
   * Whether the image changed beyond the capture's `changeThreshold` since the variant's previous
   * version, its masks left out; until that is measured (just after the render that made the
   * image), whether it differs at all. Undefined with none before.
   */
  changed: boolean | undefined;
  /**
   * How much it changed (0–1), with the capture's masks; undefined until measured, or with no
   * version before.
   */
  changeRatio: number | undefined;
  /** When the content last changed (epoch ms): an unchanged re-render keeps the earlier time. */
  changedAt: number;
  /** How long the render took, in ms. */
  renderMs: number;
}

/** A cached variant as `cache.inspect` reports it. */
export interface VariantReport {
  key: string;
  contentType: string;
  etag: string;
  /** ISO time of the render. */
  capturedAt: string;
  ageSeconds: number;
  /** Seconds of freshness left; 0 once stale (it may still be served in a stale window). */
  ttlSeconds: number;
  size: number;
}

export interface PurgeRequest {
  url: string;
  /** Purge only the variant these options select; without them, every variant of the URL. */
  options?: CaptureOptions;
}

/** What a purge did: entries removed at the origin, and what each CDN said. */
export interface PurgeOutcome {
  purged: number;
  cdn: CdnPurgeReport[];
}

export const secondsBetween = (from: number, to: number): number =>
  Math.max(0, Math.floor((to - from) / 1000));

/**
 * A capture's answer before it is told apart per caller: with the ratios of every mask signature
 * measured so far (see `judgeChange`).
 */
export interface ShotAnswer extends Omit<CaptureResult, "changeRatio"> {
  changeRatios: Record<string, number> | undefined;
}

/** The answer a shot gives at `at`: its age, and its freshness when it was stored. */
export function resultOf(
  shot: StoredShot,
  key: string,
  status: CacheStatus,
  reason: CacheReason | undefined,
  at: number,
): ShotAnswer {
  const stored = status !== "BYPASS" && status !== "STALE";
  return {
    bytes: shot.bytes,
    ...(shot.location ? { location: shot.location } : {}),
    contentType: shot.contentType,
    etag: shot.etag,
    cacheKey: key,
    status,
    reason,
    capturedAt: shot.capturedAt,
    ageSeconds: secondsBetween(shot.capturedAt, at),
    ttlSeconds: stored ? Math.max(0, Math.ceil((shot.expiresAt - at) / 1000)) : 0,
    ttlSource: stored ? shot.ttlSource : undefined,
    changed: shot.changed,
    changeRatios: shot.changeRatios,
    changedAt: shot.changedAt,
    renderMs: shot.renderMs,
  };
}

/**
 * The answer for one caller: the change measured with its masks, and whether that passes its
 * threshold. An image the same as the previous version's changed by nothing, whatever the masks.
 */
export function judgeChange(
  answer: ShotAnswer,
  options: Pick<CaptureOptions, "ignoreSelectors" | "ignoreRegions" | "scale" | "changeThreshold">,
): CaptureResult {
  const { changeRatios, ...result } = answer;
  const measured = changeRatios?.[maskSignature(options)];
  const ratio = measured ?? (answer.changed === false ? 0 : undefined);
  return {
    ...result,
    changeRatio: ratio,
    changed: ratio === undefined ? answer.changed : ratio > options.changeThreshold,
  };
}

/** A stored variant as `inspect` reports it at `at`. */
export const reportVariant = (variant: StoredVariant, at: number): VariantReport => ({
  key: variant.key,
  contentType: variant.contentType,
  etag: variant.etag,
  capturedAt: new Date(variant.capturedAt).toISOString(),
  ageSeconds: secondsBetween(variant.capturedAt, at),
  ttlSeconds: Math.max(0, Math.ceil((variant.expiresAt - at) / 1000)),
  size: variant.size,
});
