import { CaptureError } from "@shotcache/core";
import { type AccessScope, checkAccess, REFUSAL_MESSAGES } from "../access";
import type { ApiContext } from "../context";
import { ERROR_KINDS } from "../error-codes";
import { fieldErrorsOfCapture } from "../field-errors";
import { problem } from "./problem";
import { BodyTooLargeError, type RestRequest, type RestResponse } from "./types";

/** A JSON answer that no cache keeps. */
export function json(status: number, body: unknown): RestResponse {
  return {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify(body),
  };
}

export const isRestResponse = (value: object): value is RestResponse => "status" in value;

/**
 * The body of a request as JSON, `{ json }`; a problem when it is not `application/json`, is
 * larger than `maxBytes` or does not parse.
 */
export async function jsonBodyOf(
  request: RestRequest,
  maxBytes: number,
): Promise<{ json: unknown } | RestResponse> {
  if (!/^application\/json\b/i.test(request.header("content-type") ?? "")) {
    return problem("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
  }
  try {
    return { json: JSON.parse(await request.text(maxBytes)) };
  } catch (error) {
    return error instanceof BodyTooLargeError
      ? problem("PAYLOAD_TOO_LARGE", `The body may hold at most ${maxBytes} bytes.`)
      : problem("INVALID_INPUT", "The body is not valid JSON.");
  }
}

/** A 405 naming the methods the endpoint takes. */
export function methodNotAllowed(allowed: readonly string[]): RestResponse {
  const allow = allowed.join(", ");
  return problem("METHOD_NOT_ALLOWED", `Use ${allow}.`, { headers: { allow } });
}

/**
 * A 401 (no key) or 403 (a key not accepted, or one without `scope`, which the 403 names) when the
 * request may not use `scope`.
 */
export function refusedAccess(
  request: RestRequest,
  context: ApiContext,
  scope: AccessScope,
): RestResponse | undefined {
  const access = checkAccess(context.access, request.header("authorization"), scope);
  if (access === "granted") return undefined;
  const headers = { "www-authenticate": 'Bearer realm="shotcache"' };
  const detail = REFUSAL_MESSAGES[access](scope);
  if (access === "missing") return problem("UNAUTHORIZED", detail, { headers });
  return problem("FORBIDDEN", detail, {
    headers,
    ...(access === "forbidden" ? { members: { scope } } : {}),
  });
}

/** A 405, or a 401/403 for a request without `scope`, or undefined when the request may go on. */
export function refusedRequest(
  request: RestRequest,
  context: ApiContext,
  method: string,
  scope: AccessScope,
): RestResponse | undefined {
  if (request.method !== method) return methodNotAllowed([method]);
  return refusedAccess(request, context, scope);
}

/**
 * The problem document for a failure: coded failures keep their message and field; anything else
 * is logged and answered as an internal error, without details.
 */
export function failure(error: unknown, context: ApiContext): RestResponse {
  // A failure on our side (5xx) is logged; its cause never reaches the caller.
  if (!CaptureError.is(error) || ERROR_KINDS[error.code].status >= 500) {
    context.onUnexpectedError?.(error);
  }
  if (!CaptureError.is(error)) return problem("INTERNAL", "The request failed unexpectedly.");
  return problem(error.code, error.message, {
    errors: fieldErrorsOfCapture(error),
    ...(error.retryAfterSeconds
      ? { headers: { "retry-after": String(error.retryAfterSeconds) } }
      : {}),
  });
}
