/**
 * Why a capture failed. Closed set: the HTTP layer maps each to a status, the SDK mirrors them.
 * - `TARGET_NOT_ALLOWED`: the URL's scheme or address is refused by the network guard.
 * - `TARGET_UNREACHABLE`: DNS failure, connection refused or reset, TLS error.
 * - `TARGET_HTTP_ERROR`: the page answered with a status of 400 or more.
 * - `RENDER_TIMEOUT`: the page did not load in time.
 * - `BROWSER_UNAVAILABLE`: no browser could be started.
 * - `RENDER_FAILED`: anything else that went wrong inside the browser.
 * - `STORE_UNAVAILABLE`: an operation that needs the cache store (purge, stats) could not reach it.
 * - `ELEMENT_NOT_FOUND`: `selector` or `waitForSelector` matched nothing.
 * - `SATURATED`: every render slot is busy and the wait queue is full; retry after a moment.
 * - `VERSION_NOT_FOUND`: the variant keeps no version with that ETag (or none to compare).
 */
export const CAPTURE_ERROR_CODES = [
  "TARGET_NOT_ALLOWED",
  "TARGET_UNREACHABLE",
  "TARGET_HTTP_ERROR",
  "RENDER_TIMEOUT",
  "BROWSER_UNAVAILABLE",
  "RENDER_FAILED",
  "STORE_UNAVAILABLE",
  "ELEMENT_NOT_FOUND",
  "SATURATED",
  "VERSION_NOT_FOUND",
] as const;

export type CaptureErrorCode = (typeof CAPTURE_ERROR_CODES)[number];

/** Marks capture errors across copies of this module (a bundler may load it more than once). */
const CAPTURE_ERROR_BRAND = Symbol.for("shotcache.CaptureError");

/** A capture failure with a stable code and a message safe to show to the caller. */
export class CaptureError extends Error {
  override readonly name = "CaptureError";
  readonly [CAPTURE_ERROR_BRAND] = true;

  constructor(
    readonly code: CaptureErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string; retryAfterSeconds?: number },
  ) {
    super(message, { cause: options?.cause });
    this.field = options?.field;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** The input field the failure concerns, when there is one (for example `url`). */
  readonly field: string | undefined;
  /** When it is worth trying again, for a temporary failure (`SATURATED`). */
  readonly retryAfterSeconds: number | undefined;

  /** Unlike `instanceof`, also true for an error made by another copy of this class. */
  static is(error: unknown): error is CaptureError {
    return typeof error === "object" && error !== null && CAPTURE_ERROR_BRAND in error;
  }
}

/** The error of an operation that needs the cache store (purge, stats, a claim) when it fails. */
export const storeUnavailable = (cause: unknown): CaptureError =>
  new CaptureError("STORE_UNAVAILABLE", "The cache store is unavailable.", { cause });
