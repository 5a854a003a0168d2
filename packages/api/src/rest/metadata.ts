import {
  captureInputFromQuery,
  metadataOptionsObjectSchema,
  metadataRequestSchema,
  notModified,
} from "@shotcache/core";
import { cacheHeaders } from "../cache-headers";
import type { ApiContext } from "../context";
import { metadataAnswer } from "../metadata-answer";
import { captureParameters, errorResponses, jsonContent } from "../openapi";
import { isRestResponse, methodNotAllowed, refusedAccess } from "./common";
import { limitedCapture } from "./limited-capture";
import { invalidInput } from "./problem";
import { CACHE_FACT_HEADERS, CAPTURE_ERRORS } from "./screenshot";
import type { RestRequest, RestResponse, RestRoute } from "./types";

const METHODS = ["GET", "HEAD"] as const;

/**
 * `GET|HEAD /api/v1/metadata?url=…`: what a link preview shows of a page (title, description,
 * image, icon…), as JSON, read by the guarded browser and cached, revalidated and purged like any
 * capture of the page (it is one: `format=metadata`).
 */
export async function handleMetadata(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  if (!(METHODS as readonly string[]).includes(request.method)) return methodNotAllowed(METHODS);
  const refused = refusedAccess(request, context, "capture");
  if (refused) return refused;
  const parsed = metadataRequestSchema.safeParse(captureInputFromQuery(request.url.searchParams));
  if (!parsed.success) return invalidInput("The metadata request is invalid.", parsed.error);
  const captured = await limitedCapture(request, context, parsed.data);
  if (isRestResponse(captured)) return captured;
  const { result, limited } = captured;
  // The answer adds when the page was read to the stored facts: only weakly the same bytes.
  const etag = `W/${result.etag}`;
  const headers = cacheHeaders(result, { etag });
  Object.assign(headers, limited.headers);
  const conditions = {
    ifNoneMatch: request.header("if-none-match"),
    ifModifiedSince: request.header("if-modified-since"),
  };
  if (notModified(conditions, etag, result.changedAt)) return { status: 304, headers, body: null };
  const body = new TextEncoder().encode(JSON.stringify(metadataAnswer(result)));
  headers["content-type"] = "application/json";
  headers["content-length"] = String(body.byteLength);
  return { status: 200, headers, body: request.method === "HEAD" ? null : body };
}

const NULLABLE_STRING = { type: ["string", "null"] };
const NULLABLE_URL = { type: ["string", "null"], format: "uri" };

/** The answer's fields, as `PageMetadata` and `metadataAnswer` give them. */
const METADATA_SCHEMA = {
  type: "object",
  required: [
    "url",
    "finalUrl",
    "statusCode",
    "title",
    "description",
    "lang",
    "canonical",
    "image",
    "icon",
    "themeColor",
    "capturedAt",
  ],
  properties: {
    url: { type: "string", format: "uri", description: "The page asked for." },
    finalUrl: { type: "string", format: "uri", description: "Where it ended, redirects followed." },
    statusCode: { type: ["integer", "null"] },
    title: NULLABLE_STRING,
    description: NULLABLE_STRING,
    lang: NULLABLE_STRING,
    canonical: NULLABLE_URL,
    image: { ...NULLABLE_URL, description: "og:image, else twitter:image; absolute." },
    icon: { ...NULLABLE_URL, description: "The largest declared icon, else /favicon.ico." },
    themeColor: NULLABLE_STRING,
    capturedAt: { type: "string", format: "date-time", description: "When the page was read." },
  },
};

export const metadataRoute: RestRoute = {
  path: "/api/v1/metadata",
  handler: handleMetadata,
  describe: () => {
    const read = {
      summary: "A page's link-preview metadata: title, description, image, icon, theme colour",
      parameters: [
        ...captureParameters().filter(({ name }) => name in metadataOptionsObjectSchema.shape),
        { name: "If-None-Match", in: "header" as const, schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "The metadata; its cache facts as headers, as a capture's.",
          headers: CACHE_FACT_HEADERS,
          ...jsonContent(METADATA_SCHEMA),
        },
        "304": {
          description: "Not modified: the caller's ETag is current.",
          headers: CACHE_FACT_HEADERS,
        },
        ...errorResponses(CAPTURE_ERRORS),
      },
    };
    return {
      get: { ...read, operationId: "metadataGet" },
      head: { ...read, operationId: "metadataHead", summary: "Cache facts only" },
    };
  },
};
