import {
  type CaptureOptions,
  type CaptureResult,
  captureInputFromQuery,
  captureOptionsSchema,
  ifNoneMatchMatches,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import type { z } from "zod";
import { cacheHeaders } from "../cache-headers";
import type { ApiContext } from "../context";
import { fieldErrorsFrom } from "../field-errors";
import { failure, methodNotAllowed, refusedAccess } from "./common";
import { problem } from "./problem";
import { BodyTooLargeError, type RestRequest, type RestResponse } from "./types";

const METHODS = ["GET", "HEAD", "POST"] as const;

/** Largest JSON body of a POST: the options, `css` and `js` included, fit well within it. */
export const MAX_OPTIONS_BODY_BYTES = 64 * 1024;

type Parsed = z.ZodSafeParseResult<CaptureOptions>;

/**
 * Valid options by query string. The cache-hit path is the same query asked again and again:
 * it then skips validation, and (with the same object) the cache-key hashing too (cache-key.ts).
 */
const parsedQueries = new LRUCache<string, CaptureOptions>({ max: 10_000 });

function parseQuery(params: URLSearchParams): Parsed {
  const query = params.toString();
  const known = parsedQueries.get(query);
  if (known) return { success: true, data: known };
  const parsed = captureOptionsSchema.safeParse(captureInputFromQuery(params));
  if (parsed.success) parsedQueries.set(query, Object.freeze(parsed.data));
  return parsed;
}

/** The options of a POST: a JSON object, as over tRPC. Answers a problem when it is not one. */
async function parseBody(request: RestRequest): Promise<Parsed | RestResponse> {
  if (!/^application\/json\b/i.test(request.header("content-type") ?? "")) {
    return problem("UNSUPPORTED_MEDIA_TYPE", "Send the options as application/json.");
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text(MAX_OPTIONS_BODY_BYTES));
  } catch (error) {
    return error instanceof BodyTooLargeError
      ? problem("PAYLOAD_TOO_LARGE", `The body may hold at most ${MAX_OPTIONS_BODY_BYTES} bytes.`)
      : problem("INVALID_INPUT", "The body is not valid JSON.");
  }
  return captureOptionsSchema.safeParse(body);
}

/**
 * `GET|HEAD /api/v1/screenshot?url=…&width=…`, or `POST` with the options as JSON: the image,
 * with its cache facts as headers.
 */
export async function handleScreenshot(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  if (!(METHODS as readonly string[]).includes(request.method)) return methodNotAllowed(METHODS);
  const refused = refusedAccess(request, context, "capture");
  if (refused) return refused;
  const parsed =
    request.method === "POST" ? await parseBody(request) : parseQuery(request.url.searchParams);
  if ("status" in parsed) return parsed;
  if (!parsed.success) {
    return problem("INVALID_INPUT", "The capture options are invalid.", {
      errors: fieldErrorsFrom(parsed.error),
    });
  }

  let result: CaptureResult;
  try {
    result = await context.captureService.capture(parsed.data);
  } catch (error) {
    return failure(error, context);
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
