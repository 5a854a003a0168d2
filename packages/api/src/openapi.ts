/**
 * @module The OpenAPI 3.1 document of the REST API, and the pieces the routes describe themselves
 * with. Each route's operations are written next to its handler (`rest/*.ts`); this module only
 * puts them together, with what every operation shares.
 */
import { captureOptionsObjectSchema } from "@shotcache/core";
import { z } from "zod";
import { type ApiErrorCode, ERROR_KINDS } from "./error-codes";

/** A parameter of an operation: in the query, a header or the path. */
export interface OpenApiParameter {
  name: string;
  in: "query" | "header" | "path";
  required?: boolean;
  description?: string;
  schema: object;
  style?: string;
  explode?: boolean;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description?: string; schema: object }>;
  content?: Record<string, { schema: object }>;
}

/** One method of a path, as the document lists it. */
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  /** Who may call it, when not the document's default: open, or a key with the `capture` scope. */
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: object }> };
  responses: Record<string, OpenApiResponse>;
}

/** The operations of one path, by method, in the order the document lists them. */
export type PathOperations = Partial<
  Record<"get" | "head" | "post" | "put" | "patch" | "delete", OpenApiOperation>
>;

/** What the document needs of a route: its path, and what each of its methods does. */
export interface DescribedPath {
  path: string;
  describe: () => PathOperations;
}

/** JSON Schema of a zod schema as a caller writes it (defaults optional), OpenAPI 3.1 dialect. */
export const schemaOf = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" }) as Record<
    string,
    unknown
  >;
  return rest;
};

/** A body (or answer) in JSON, of this schema. */
export const jsonContent = (schema: object) => ({ content: { "application/json": { schema } } });

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

const problemResponse = (codes: readonly ApiErrorCode[]): OpenApiResponse => {
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
export function errorResponses(
  codes: readonly ApiErrorCode[],
  { drains = true } = {},
): Record<string, OpenApiResponse> {
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

/** What an operation that needs an API key and the store may answer. */
export const ADMIN_ERRORS: readonly ApiErrorCode[] = [
  "INVALID_INPUT",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "METHOD_NOT_ALLOWED",
  "STORE_UNAVAILABLE",
];

/** Options that take a list: one query parameter per item (`hideSelectors=a&hideSelectors=b`). */
const LIST_OPTIONS = new Set(["hideSelectors", "blockResources", "cookies"]);

/** The capture options as query parameters (a capture, and a purge of one variant, take them). */
export const captureParameters = (): OpenApiParameter[] =>
  Object.entries(captureOptionsObjectSchema.shape).map(([name, field]) => ({
    name,
    in: "query",
    // The page is `url` or, instead, `html`: neither alone is required.
    required: false,
    schema: schemaOf(field as z.ZodType),
    ...(LIST_OPTIONS.has(name) ? { style: "form", explode: true } : {}),
  }));

/** What a purge answers (`DELETE /api/v1/cache`, the invalidation webhook): origin and CDNs. */
export const PURGE_OUTCOME = {
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

/** The RFC 9457 problem document every error answers (rest/problem.ts). */
const PROBLEM = {
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
};

/**
 * The OpenAPI 3.1 document of these routes, in their order. Each describes itself from the same
 * zod schemas its handler validates with: nothing is restated here, so the document cannot drift
 * from what the server accepts.
 */
export function openApiDocument(routes: readonly DescribedPath[]) {
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
      schemas: { Problem: PROBLEM, CaptureOptions: schemaOf(captureOptionsObjectSchema) },
    },
    // Captures are open, or need a key with the `capture` scope (SHOTCACHE_CAPTURE_REQUIRES_KEY);
    // every other operation names the scope it needs (OpenAPI 3.1 role names).
    security: [{}, { apiKey: ["capture"] }],
    paths: Object.fromEntries(routes.map((route) => [route.path, route.describe()])),
  };
}
