import {
  CaptureError,
  type CaptureOptions,
  type CaptureResult,
  captureInputFromQuery,
  captureOptionsSchema,
  ifNoneMatchMatches,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { cacheHeaders } from "../cache-headers";
import type { ApiContext } from "../context";
import { ERROR_KINDS } from "../error-codes";
import { fieldErrorsFrom, fieldErrorsOfCapture } from "../field-errors";
import { problem } from "./problem";
import type { RestRequest, RestResponse } from "./types";

const ALLOWED_METHODS = "GET, HEAD";

/**
 * Valid options by query string. The cache-hit path is the same query asked again and again:
 * it then skips validation, and (with the same object) the cache-key hashing too (cache-key.ts).
 */
const parsedQueries = new LRUCache<string, CaptureOptions>({ max: 10_000 });

function parseQuery(params: URLSearchParams) {
  const query = params.toString();
  const known = parsedQueries.get(query);
  if (known) return { success: true as const, data: known };
  const parsed = captureOptionsSchema.safeParse(captureInputFromQuery(params));
  if (parsed.success) parsedQueries.set(query, Object.freeze(parsed.data));
  return parsed;
}

/** `GET|HEAD /api/v1/screenshot?url=…&width=…`: the image, with its cache facts as headers. */
export async function handleScreenshot(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return problem("METHOD_NOT_ALLOWED", `Use ${ALLOWED_METHODS}.`, {
      headers: { allow: ALLOWED_METHODS },
    });
  }
  const parsed = parseQuery(request.url.searchParams);
  if (!parsed.success) {
    return problem("INVALID_INPUT", "The capture options are invalid.", {
      errors: fieldErrorsFrom(parsed.error),
    });
  }

  let result: CaptureResult;
  try {
    result = await context.captureService.capture(parsed.data);
  } catch (error) {
    // A failure on our side (5xx) is logged; its cause never reaches the caller.
    if (!CaptureError.is(error) || ERROR_KINDS[error.code].status >= 500) {
      context.onUnexpectedError?.(error);
    }
    if (!CaptureError.is(error)) return problem("INTERNAL", "The capture failed unexpectedly.");
    return problem(error.code, error.message, {
      errors: fieldErrorsOfCapture(error),
      ...(error.retryAfterSeconds
        ? { headers: { "retry-after": String(error.retryAfterSeconds) } }
        : {}),
    });
  }

  const headers = cacheHeaders(result);
  if (ifNoneMatchMatches(request.header("if-none-match"), result.etag)) {
    return { status: 304, headers, body: null };
  }
  return {
    status: 200,
    headers: {
      ...headers,
      "content-type": result.contentType,
      "content-length": String(result.bytes.byteLength),
    },
    body: request.method === "HEAD" ? null : result.bytes,
  };
}
