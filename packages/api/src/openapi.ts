import {
  CAPTURE_ERROR_CODES,
  captureOptionsObjectSchema,
  contentTypeOf,
  HOURLY_RETENTION_HOURS,
  IMAGE_FORMATS,
  watchInputSchema,
} from "@shotcache/core";
import { z } from "zod";
import { type ApiErrorCode, ERROR_KINDS } from "./error-codes";
import { invalidationSchema } from "./rest/invalidate";

/** JSON Schema of a zod schema as a caller writes it (defaults optional), OpenAPI 3.1 dialect. */
const schemaOf = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" }) as Record<
    string,
    unknown
  >;
  return rest;
};

/** Codes whose answer says when to try again: rate-limit.ts, the render pool, the drain. */
const RETRY_AFTER_CODES: readonly ApiErrorCode[] = ["RATE_LIMITED", "SATURATED", "SHUTTING_DOWN"];

/**
 * What the HTTP server itself may answer on any path (api-server.ts): a request it cannot parse,
 * headers too long, a request too slow to arrive, or a handler's unexpected failure.
 */
const ANY_REQUEST_ERRORS: readonly ApiErrorCode[] = [
  "INVALID_INPUT",
  "REQUEST_TIMEOUT",
  "HEADERS_TOO_LARGE",
  "INTERNAL",
];

const problemResponse = (codes: readonly ApiErrorCode[]) => {
  const retrying = codes.filter((code) => RETRY_AFTER_CODES.includes(code));
  const retryAfter = {
    description: `Seconds to wait before trying again, with ${retrying.join(" or ")}.`,
    schema: { type: "integer" },
  };
  return {
    description: codes.map((code) => `\`${code}\` — ${ERROR_KINDS[code].title}`).join("; "),
    ...(retrying.length > 0 ? { headers: { "Retry-After": retryAfter } } : {}),
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
};

/**
 * Error responses by status, each listing the codes it may carry: the operation's own, those of
 * any request, and `SHUTTING_DOWN`, which a draining server answers on every path but the health
 * check (that one says `draining` itself).
 */
function errorResponses(codes: readonly ApiErrorCode[], { drains = true } = {}) {
  const all = new Set([
    ...codes,
    ...ANY_REQUEST_ERRORS,
    ...(drains ? ["SHUTTING_DOWN" as const] : []),
  ]);
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of all) {
    const { status } = ERROR_KINDS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [String(status), problemResponse(list)]),
  );
}

/** Options that take a list: one query parameter per item (`hideSelectors=a&hideSelectors=b`). */
const LIST_OPTIONS = new Set(["hideSelectors", "blockResources"]);

const captureParameters = () =>
  Object.entries(captureOptionsObjectSchema.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: name === "url",
    schema: schemaOf(field as z.ZodType),
    ...(LIST_OPTIONS.has(name) ? { style: "form", explode: true } : {}),
  }));

const CACHE_FACT_HEADERS = Object.fromEntries(
  [
    ["ETag", "Strong tag of the image bytes."],
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
const CAPTURE_ERRORS: ApiErrorCode[] = [
  "INVALID_INPUT",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "METHOD_NOT_ALLOWED",
  "RATE_LIMITED",
  // Without the store a capture still renders (uncached): it never fails for it.
  ...CAPTURE_ERROR_CODES.filter((code) => code !== "STORE_UNAVAILABLE"),
];
const ADMIN_ERRORS: ApiErrorCode[] = [
  "INVALID_INPUT",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "METHOD_NOT_ALLOWED",
  "STORE_UNAVAILABLE",
];

const json = (schema: object) => ({ content: { "application/json": { schema } } });

/** A watch as the API answers it. */
const WATCH = {
  type: "object",
  required: ["id", "url", "every", "webhook", "options", "createdAt"],
  properties: {
    id: { type: "string", format: "uuid" },
    url: { type: "string" },
    every: { type: "integer", description: "Seconds between renders." },
    webhook: { type: "string" },
    options: { type: "object", description: "The capture options, defaults applied." },
    createdAt: { type: "string", format: "date-time" },
    nextRunAt: { type: "string", format: "date-time" },
  },
};

/** What a purge answers: entries dropped at the origin, and what each CDN said. */
const PURGE_OUTCOME = {
  type: "object",
  required: ["purged", "cdn"],
  properties: {
    purged: { type: "integer", description: "Entries dropped at the origin." },
    cdn: {
      type: "array",
      description: "What each configured CDN said; one that failed is retried in the background.",
      items: {
        type: "object",
        required: ["cdn", "status"],
        properties: {
          cdn: { type: "string" },
          status: { type: "string", enum: ["purged", "failed"] },
          error: { type: "string" },
        },
      },
    },
  },
};

/**
 * The OpenAPI 3.1 document of the REST API, generated from the same zod schemas the handlers
 * validate with: never written by hand, so it cannot drift from what the server accepts.
 */
export function openApiDocument() {
  const image = {
    description: "The screenshot.",
    headers: CACHE_FACT_HEADERS,
    content: Object.fromEntries(
      IMAGE_FORMATS.map(contentTypeOf).map((type) => [
        type,
        { schema: { type: "string", contentMediaType: type } },
      ]),
    ),
  };
  const screenshotGet = {
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
      // Signed URLs are GETs (and HEADs); only a POST has a body.
      ...errorResponses([...CAPTURE_ERRORS, "SIGNATURE_INVALID", "SIGNATURE_EXPIRED"]),
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "shotcache",
      version: "1",
      description: "Screenshots of web pages, answered from a cache that tells the truth.",
      license: { name: "MIT", identifier: "MIT" },
    },
    // Self-hosted under any name: relative to wherever this document was fetched from.
    servers: [{ url: "/", description: "The server that serves this document." }],
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key; each has scopes: capture, read, purge, sign (or all of them).",
        },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "code"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            code: { type: "string", enum: Object.keys(ERROR_KINDS) },
            detail: { type: "string" },
            scope: { type: "string", description: "The scope an API key lacks (403)." },
            errors: {
              type: "array",
              items: {
                type: "object",
                required: ["message"],
                properties: { field: { type: "string" }, message: { type: "string" } },
              },
            },
          },
        },
        CaptureOptions: schemaOf(captureOptionsObjectSchema),
      },
    },
    // Captures are open, or need a key with the `capture` scope (SHOTCACHE_CAPTURE_REQUIRES_KEY);
    // every other operation names the scope it needs (OpenAPI 3.1 role names).
    security: [{}, { apiKey: ["capture"] }],
    paths: {
      "/api/v1/screenshot": {
        get: { ...screenshotGet, operationId: "captureGet" },
        head: { ...screenshotGet, operationId: "captureHead", summary: "Cache facts only" },
        post: {
          operationId: "capturePost",
          summary: "Capture a page, options as JSON",
          requestBody: {
            required: true,
            ...json({ $ref: "#/components/schemas/CaptureOptions" }),
          },
          responses: {
            "200": image,
            ...errorResponses([...CAPTURE_ERRORS, "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"]),
          },
        },
      },
      "/api/v1/cache": {
        delete: {
          operationId: "purge",
          summary: "Drop every cached variant of a URL, or the one the options select",
          security: [{ apiKey: ["purge"] }],
          parameters: captureParameters(),
          responses: {
            "200": {
              description: "How many entries were dropped, and what each configured CDN said.",
              ...json(PURGE_OUTCOME),
            },
            ...errorResponses(ADMIN_ERRORS),
          },
        },
      },
      "/api/v1/stats": {
        get: {
          operationId: "stats",
          summary: "Shared statistics",
          security: [{ apiKey: ["read"] }],
          parameters: [
            {
              name: "hours",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: HOURLY_RETENTION_HOURS, default: 24 },
            },
          ],
          responses: {
            "200": {
              description:
                "Counters, hourly buckets, latency, storage, recent purges, and `topUrls`: the most requested URLs with requests, hit rate, renders, changes and the estimated change interval; `keys`: captures and renders per API key, by key id (the first 12 hex digits of the key's SHA-256).",
              ...json({ type: "object" }),
            },
            ...errorResponses(ADMIN_ERRORS),
          },
        },
      },
      "/api/v1/watches": {
        get: {
          operationId: "listWatches",
          summary: "The watches, oldest first, with when each next runs",
          security: [{ apiKey: ["purge"] }],
          responses: {
            "200": {
              description: "The watches.",
              ...json({
                type: "object",
                required: ["watches"],
                properties: { watches: { type: "array", items: WATCH } },
              }),
            },
            ...errorResponses([...ADMIN_ERRORS, "NOT_FOUND"]),
          },
        },
        post: {
          operationId: "createWatch",
          summary: "Render a page every `every` seconds, and tell a webhook when it changed",
          description:
            'Each change is POSTed to `webhook` as JSON `{ watchId, url, etag, previousEtag, changedAt, imageUrl }`, signed like the invalidation webhook (`X-Shotcache-Timestamp`, `X-Shotcache-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`). Off (404) without a webhook secret.',
          security: [{ apiKey: ["purge"] }],
          requestBody: { required: true, ...json(schemaOf(watchInputSchema)) },
          responses: {
            "201": {
              description: "The watch; its first render runs at once.",
              headers: {
                Location: { description: "The watch's URL.", schema: { type: "string" } },
              },
              ...json(WATCH),
            },
            ...errorResponses([
              ...ADMIN_ERRORS,
              "NOT_FOUND",
              "TARGET_NOT_ALLOWED",
              "WATCH_LIMIT_REACHED",
              "PAYLOAD_TOO_LARGE",
              "UNSUPPORTED_MEDIA_TYPE",
            ]),
          },
        },
      },
      "/api/v1/watches/{id}": {
        delete: {
          operationId: "deleteWatch",
          summary: "Stop a watch: no more renders or deliveries",
          security: [{ apiKey: ["purge"] }],
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
          ],
          responses: {
            "200": {
              description: "Deleted.",
              ...json({
                type: "object",
                required: ["deleted"],
                properties: { deleted: { type: "string" } },
              }),
            },
            ...errorResponses([...ADMIN_ERRORS, "NOT_FOUND"]),
          },
        },
      },
      "/api/v1/invalidate": {
        post: {
          operationId: "invalidate",
          summary: "Signed webhook: these pages changed",
          security: [], // authenticated by its HMAC signature, not by an API key
          parameters: [
            {
              name: "X-Shotcache-Timestamp",
              in: "header",
              required: true,
              schema: { type: "integer" },
            },
            {
              name: "X-Shotcache-Signature",
              in: "header",
              required: true,
              schema: { type: "string" },
            },
          ],
          requestBody: { required: true, ...json(schemaOf(invalidationSchema)) },
          responses: {
            "200": { description: "Dropped.", ...json(PURGE_OUTCOME) },
            ...errorResponses([
              "INVALID_INPUT",
              "WEBHOOK_SIGNATURE_INVALID",
              "WEBHOOK_TIMESTAMP_STALE",
              "NOT_FOUND",
              "METHOD_NOT_ALLOWED",
              "WEBHOOK_REPLAYED",
              "PAYLOAD_TOO_LARGE",
              "STORE_UNAVAILABLE",
            ]),
          },
        },
      },
      "/api/v1/devices": {
        get: {
          operationId: "devices",
          summary: "The device names `device` takes",
          security: [],
          responses: {
            "200": {
              description:
                "Each device with its viewport (CSS px), scale, mobile, touch and orientation.",
              ...json({
                type: "object",
                required: ["devices"],
                properties: {
                  devices: {
                    type: "array",
                    items: {
                      type: "object",
                      required: [
                        "name",
                        "width",
                        "height",
                        "scale",
                        "mobile",
                        "touch",
                        "landscape",
                      ],
                      properties: {
                        name: { type: "string" },
                        width: { type: "integer" },
                        height: { type: "integer" },
                        scale: { type: "number" },
                        mobile: { type: "boolean" },
                        touch: { type: "boolean" },
                        landscape: { type: "boolean" },
                      },
                    },
                  },
                },
              }),
            },
            ...errorResponses(["METHOD_NOT_ALLOWED"]),
          },
        },
      },
      "/api/cron/watches": {
        get: {
          operationId: "cronWatches",
          summary: "Runs the watches due now, once across instances (Vercel Cron and the like)",
          description:
            "Authorized by `Authorization: Bearer <CRON_SECRET>`, not by an API key; answers 404 " +
            "on a server without `CRON_SECRET`.",
          security: [],
          responses: {
            "200": {
              description: "What ran: each watch claimed, and how its run ended.",
              ...json({
                type: "object",
                required: ["watches", "ran"],
                properties: {
                  watches: { type: "string", enum: ["on", "off"] },
                  ran: {
                    type: "array",
                    items: {
                      type: "object",
                      required: ["id", "url", "outcome"],
                      properties: {
                        id: { type: "string" },
                        url: { type: "string" },
                        outcome: {
                          type: "string",
                          enum: ["first", "unchanged", "delivered", "failed"],
                        },
                      },
                    },
                  },
                },
              }),
            },
            ...errorResponses([
              "CRON_SECRET_INVALID",
              "NOT_FOUND",
              "METHOD_NOT_ALLOWED",
              "STORE_UNAVAILABLE",
            ]),
          },
        },
      },
      "/api/health": {
        get: {
          operationId: "health",
          summary: "Whether the server, its store and its browser are well",
          responses: {
            "200": { description: "ok or degraded.", ...json({ type: "object" }) },
            "503": {
              description: "draining: the server is shutting down, a balancer should send no more.",
              ...json({ type: "object" }),
            },
            ...errorResponses([], { drains: false }),
          },
        },
      },
      "/api/metrics": {
        get: {
          operationId: "metrics",
          summary: "This process's metrics, Prometheus text format",
          security: [{ apiKey: ["read"] }],
          responses: {
            "200": {
              description: "Prometheus text.",
              content: { "text/plain": { schema: { type: "string" } } },
            },
            ...errorResponses(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED"]),
          },
        },
      },
      "/api/openapi.json": {
        get: {
          operationId: "openapi",
          summary: "This document",
          responses: {
            "200": { description: "OpenAPI 3.1.", ...json({ type: "object" }) },
            ...errorResponses([]),
          },
        },
      },
    },
  };
}
