import {
  CAPTURE_ERROR_CODES,
  CAPTURE_FORMATS,
  type CaptureOptions,
  captureInputFromQuery,
  captureOptionsSchema,
  contentTypeOf,
  notModified,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import type { z } from "zod";
import { cacheHeaders } from "../cache-headers";
import type { ApiContext } from "../context";
import type { ApiErrorCode } from "../error-codes";
import {
  captureParameters,
  errorResponses,
  jsonContent,
  type OpenApiOperation,
  type OpenApiResponse,
  type PathOperations,
} from "../openapi";
import { publicOriginOf } from "../public-origin";
import { isRestResponse, jsonBodyOf, methodNotAllowed, refusedAccess } from "./common";
import { limitedCapture } from "./limited-capture";
import { invalidInput } from "./problem";
import { refusedSignature, splitSignature } from "./signed-query";
import type { RestRequest, RestResponse, RestRoute } from "./types";

const METHODS = ["GET", "HEAD", "POST"] as const;

/**
 * How long caches may keep a redirect to an image's presigned URL: well inside the URL's own five
 * minutes, so a kept redirect never leads to an expired URL.
 */
const REDIRECT_FRESH_SECONDS = 60;

/** How a read takes its answer where the server redirects to images in the bucket. */
const BY_LOCATION = Object.freeze({ location: true });

/**
 * Largest JSON body of a POST: room for `html` at its 2 MB limit with JSON's escapes, so that
 * markup past its limit is refused by name (400 on `html`), not as a body (413).
 */
export const MAX_OPTIONS_BODY_BYTES = 6 * 1024 * 1024;

type Parsed = z.ZodSafeParseResult<CaptureOptions>;

/**
 * Valid options by query string. The cache-hit path is the same query asked again and again:
 * it then skips URL parsing and validation, and (with the same object) the cache-key hashing too
 * (capture-service.ts). Only unsigned queries are kept by their raw text, and a signed one by its
 * options alone, so a query found here is an unsigned one.
 */
const parsedQueries = new LRUCache<string, CaptureOptions>({
  max: 10_000,
  // Bounded by size too: a query may carry css and js, and anyone may send queries.
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (_options, query) => query.length * 2,
});

function parseQuery(params: URLSearchParams, query: string): Parsed {
  const known = parsedQueries.get(query);
  if (known) return { success: true, data: known };
  const parsed = captureOptionsSchema.safeParse(captureInputFromQuery(params));
  if (parsed.success) parsedQueries.set(query, Object.freeze(parsed.data));
  return parsed;
}

/** The options of a POST: a JSON object, as over tRPC. Answers a problem when it is not one. */
async function parseBody(request: RestRequest): Promise<Parsed | RestResponse> {
  const body = await jsonBodyOf(request, MAX_OPTIONS_BODY_BYTES);
  return isRestResponse(body) ? body : captureOptionsSchema.safeParse(body.json);
}

/**
 * The options of a GET or HEAD and, when it is signed, the check of its signature (a problem, or
 * undefined when it holds); `verify` is null for an unsigned query.
 */
function parseQueryRequest(
  request: RestRequest,
  context: ApiContext,
): { parsed: Parsed; verify: (() => RestResponse | undefined) | null } {
  // The hit path: a query seen before is an unsigned one with valid options.
  const known = parsedQueries.get(request.search);
  if (known) return { parsed: { success: true, data: known }, verify: null };
  const { params, query, signature, expires } = splitSignature(request);
  return {
    parsed: parseQuery(params, query),
    verify: signature === null ? null : () => refusedSignature(params, context, signature, expires),
  };
}

/**
 * The URL a signed request came by, as a CDN in front knows it (its host, and the scheme it says
 * it was reached by), for purges by exact URL.
 */
function publicUrlOf(request: RestRequest): string {
  return `${publicOriginOf(request)}${request.path}${request.search}`;
}

/**
 * `GET|HEAD /api/v1/screenshot?url=…&width=…`, or `POST` with the options as JSON: the image,
 * with its cache facts as headers. A GET signed with the server's secret (`signature`, and
 * optionally `expires`) needs no API key, and may be kept by shared caches (a CDN).
 */
export async function handleScreenshot(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  if (!(METHODS as readonly string[]).includes(request.method)) return methodNotAllowed(METHODS);
  const query = request.method === "POST" ? undefined : parseQueryRequest(request, context);
  const signed = Boolean(query?.verify);
  if (!signed) {
    const refused = refusedAccess(request, context, "capture");
    if (refused) return refused;
  }
  const parsed = query ? query.parsed : await parseBody(request);
  if ("status" in parsed) return parsed;
  if (!parsed.success) {
    return invalidInput("The capture options are invalid.", parsed.error);
  }
  const refusedSigned = query?.verify?.();
  if (refusedSigned) return refusedSigned;
  // A redirect answers a read; a POST always gets the image.
  const how = context.redirectToObjects && request.method !== "POST" ? BY_LOCATION : undefined;
  const captured = await limitedCapture(request, context, parsed.data, how);
  if (isRestResponse(captured)) return captured;
  const { result, limited } = captured;

  if (signed) context.captureService.notePublicAnswer(parsed.data, result, publicUrlOf(request));
  const { staleWhileRevalidate, staleIfError } = parsed.data;
  // One headers object, filled in place: the hit path copies none.
  // A redirect is kept briefly, and never served stale: its URL expires.
  const headers = cacheHeaders(
    result,
    result.location
      ? { shared: signed, freshForAtMost: REDIRECT_FRESH_SECONDS }
      : { shared: signed, staleWhileRevalidate, staleIfError },
  );
  Object.assign(headers, limited.headers);
  const conditions = {
    ifNoneMatch: request.header("if-none-match"),
    ifModifiedSince: request.header("if-modified-since"),
  };
  // Conditional requests are for reads (RFC 9110 §13.1): a POST always gets the image.
  if (request.method !== "POST" && notModified(conditions, result.etag, result.changedAt)) {
    return { status: 304, headers, body: null };
  }
  if (result.location) {
    headers.location = result.location;
    return { status: 302, headers, body: null };
  }
  headers["content-type"] = result.contentType;
  headers["content-length"] = String(result.bytes.byteLength);
  return { status: 200, headers, body: request.method === "HEAD" ? null : result.bytes };
}

/** The headers that carry an answer's cache facts (cache-headers.ts), as the document lists them. */
export const CACHE_FACT_HEADERS = Object.fromEntries(
  [
    [
      "ETag",
      "Strong tag of the image bytes (weak on /api/v1/metadata, whose JSON adds capturedAt).",
    ],
    [
      "Last-Modified",
      "When the content last changed: an unchanged re-render keeps the earlier time.",
    ],
    ["Age", "Seconds since the render (not on public answers: see Cache-Control)."],
    [
      "Cache-Control",
      "private, max-age = the entry's lifetime; on signed URLs public, max-age = s-maxage = the time left, with stale-while-revalidate and stale-if-error when asked for.",
    ],
    ["Surrogate-Key", "On signed URLs: the URL's and the variant's CDN tags, space-separated."],
    ["Cache-Tag", "On signed URLs: the same tags, comma-separated (Cloudflare)."],
    ["X-Cache", "HIT, MISS, STALE, REFRESH or BYPASS."],
    ["X-Cache-Reason", "Why, for BYPASS and STALE."],
    ["X-Cache-Age", "Seconds since the render."],
    ["X-Cache-TTL", "Seconds the image stays fresh."],
    [
      "X-Cache-TTL-Source",
      "Where the TTL came from: caller, rule, adaptive (the page's history of changes) or default.",
    ],
    [
      "X-Content-Changed",
      "true or false: whether this render differs from the variant's previous one; absent for a first render.",
    ],
    ["X-Cache-Key", "The cache key of this variant."],
    ["X-Render-Time", "Milliseconds the render took, when rendered."],
  ].map(([name, description]) => [name, { description, schema: { type: "string" } }]),
);

/** What a capture may answer, however its options arrive. */
export const CAPTURE_ERRORS: ApiErrorCode[] = [
  "INVALID_INPUT",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "METHOD_NOT_ALLOWED",
  "RATE_LIMITED",
  // Without the store a capture still renders (uncached): it never fails for it.
  ...CAPTURE_ERROR_CODES.filter((code) => code !== "STORE_UNAVAILABLE"),
];

function describeScreenshot(): PathOperations {
  const image: OpenApiResponse = {
    description: "The screenshot.",
    headers: CACHE_FACT_HEADERS,
    content: Object.fromEntries(
      CAPTURE_FORMATS.map(contentTypeOf).map((type) => [
        type,
        { schema: { type: "string", contentMediaType: type } },
      ]),
    ),
  };
  // A GET and a HEAD take the same query and answer the same headers; a HEAD, no image.
  const queryCapture: Omit<OpenApiOperation, "operationId"> = {
    summary: "Capture a page (or answer from the cache)",
    parameters: [
      ...captureParameters(),
      { name: "signature", in: "query", schema: { type: "string" }, description: "Signed URL." },
      { name: "expires", in: "query", schema: { type: "integer" }, description: "Epoch seconds." },
      { name: "If-None-Match", in: "header", schema: { type: "string" } },
      { name: "If-Modified-Since", in: "header", schema: { type: "string" } },
    ],
    responses: {
      "200": image,
      "304": {
        description: "Not modified: the caller's ETag is current.",
        headers: CACHE_FACT_HEADERS,
      },
      "302": {
        description:
          "With SHOTCACHE_OBJECT_REDIRECT: a cached image in the object store, at a presigned URL (Location) valid five minutes.",
        headers: {
          ...CACHE_FACT_HEADERS,
          Location: { description: "The image's presigned URL.", schema: { type: "string" } },
        },
      },
      // Signed URLs are GETs (and HEADs); only a POST has a body.
      ...errorResponses([...CAPTURE_ERRORS, "SIGNATURE_INVALID", "SIGNATURE_EXPIRED"]),
    },
  };
  return {
    get: { ...queryCapture, operationId: "captureGet" },
    head: { ...queryCapture, operationId: "captureHead", summary: "Cache facts only" },
    post: {
      operationId: "capturePost",
      summary: "Capture a page, options as JSON",
      requestBody: {
        required: true,
        ...jsonContent({ $ref: "#/components/schemas/CaptureOptions" }),
      },
      responses: {
        "200": image,
        ...errorResponses([...CAPTURE_ERRORS, "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"]),
      },
    },
  };
}

export const screenshotRoute: RestRoute = {
  path: "/api/v1/screenshot",
  handler: handleScreenshot,
  describe: describeScreenshot,
};
