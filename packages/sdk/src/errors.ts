import { API_ERROR_CODES } from "@shotcache/api/error-codes";
import type { FieldError } from "@shotcache/api/field-errors";

/** Failures that happen on the way, before the server could answer. */
const TRANSPORT_CODES = ["NETWORK_ERROR", "TIMEOUT", "ABORTED"] as const;

/** Every code a `ShotcacheError` can carry: the server's stable codes, and the transport's. */
export const SHOTCACHE_ERROR_CODES = [...API_ERROR_CODES, ...TRANSPORT_CODES] as const;

/** One of `SHOTCACHE_ERROR_CODES`. */
export type ShotcacheErrorCode = (typeof SHOTCACHE_ERROR_CODES)[number];

const CODES = new Set<string>(SHOTCACHE_ERROR_CODES);

/** Every failure of the SDK: a stable `code`, the server's message and per-field details. */
export class ShotcacheError extends Error {
  override readonly name = "ShotcacheError";

  constructor(
    readonly code: ShotcacheErrorCode,
    message: string,
    readonly details: {
      /** The HTTP status, when the server answered. */
      status?: number;
      /** Which fields of the input were wrong, and why. */
      fieldErrors?: readonly FieldError[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get fieldErrors(): readonly FieldError[] {
    return this.details.fieldErrors ?? [];
  }

  static is(error: unknown): error is ShotcacheError {
    return error instanceof ShotcacheError;
  }

  /**
   * The ShotcacheError of a REST answer that is not a success: its problem document's `code`,
   * `detail` and per-field `errors` (RFC 9457).
   */
  static async fromResponse(response: Response): Promise<ShotcacheError> {
    let problem: { code?: string; detail?: string; errors?: FieldError[] } = {};
    try {
      problem = (await response.json()) as typeof problem;
    } catch {
      // not a problem document: named by its status below
    }
    const code = problem.code && CODES.has(problem.code) ? problem.code : "INTERNAL";
    return new ShotcacheError(
      code as ShotcacheErrorCode,
      problem.detail ?? `The server answered ${response.status}.`,
      { status: response.status, fieldErrors: problem.errors ?? [] },
    );
  }

  /** The ShotcacheError for whatever a call threw (a tRPC client error, an abort, …). */
  static from(error: unknown): ShotcacheError {
    if (ShotcacheError.is(error)) return error;
    const data = (
      error as { data?: { errorCode?: string; httpStatus?: number; fieldErrors?: FieldError[] } }
    )?.data;
    const message = error instanceof Error ? error.message : String(error);
    if (data?.errorCode && CODES.has(data.errorCode)) {
      return new ShotcacheError(data.errorCode as ShotcacheErrorCode, message, {
        status: data.httpStatus,
        fieldErrors: data.fieldErrors,
        cause: error,
      });
    }
    const cause = (error as { cause?: unknown })?.cause ?? error;
    const name = (cause as { name?: string })?.name;
    if (name === "TimeoutError")
      return new ShotcacheError("TIMEOUT", "The request timed out.", { cause: error });
    if (name === "AbortError")
      return new ShotcacheError("ABORTED", "The request was aborted.", { cause: error });
    return new ShotcacheError("NETWORK_ERROR", message, { cause: error });
  }
}

/** True when `error` came from the SDK: narrows it to `ShotcacheError` for its `code`. */
export const isShotcacheError = (error: unknown): error is ShotcacheError =>
  error instanceof ShotcacheError;
