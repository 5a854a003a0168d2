import { CAPTURE_ERROR_CODES } from "@shotcache/core/errors";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/**
 * Every code a client can receive, over REST (`code` of the problem document) and tRPC. The SDK
 * builds its own list from this one (this module imports nothing from the server at run time).
 */
export const API_ERROR_CODES = [
  ...CAPTURE_ERROR_CODES,
  "INVALID_INPUT",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "SIGNATURE_INVALID",
  "SIGNATURE_EXPIRED",
  "WEBHOOK_SIGNATURE_INVALID",
  "WEBHOOK_TIMESTAMP_STALE",
  "WEBHOOK_REPLAYED",
  "CRON_SECRET_INVALID",
  "WATCH_LIMIT_REACHED",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "REQUEST_TIMEOUT",
  "HEADERS_TOO_LARGE",
  "SHUTTING_DOWN",
  "INTERNAL",
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

interface ErrorKind {
  status: number;
  trpcCode: TRPC_ERROR_CODE_KEY;
  title: string;
}

/** The one table from error code to HTTP status, tRPC code and problem title. */
export const ERROR_KINDS: Record<ApiErrorCode, ErrorKind> = {
  INVALID_INPUT: { status: 400, trpcCode: "BAD_REQUEST", title: "Invalid input" },
  TARGET_NOT_ALLOWED: { status: 400, trpcCode: "BAD_REQUEST", title: "Target not allowed" },
  UNAUTHORIZED: { status: 401, trpcCode: "UNAUTHORIZED", title: "API key required" },
  FORBIDDEN: { status: 403, trpcCode: "FORBIDDEN", title: "API key not accepted" },
  WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    trpcCode: "UNAUTHORIZED",
    title: "Webhook signature invalid",
  },
  WEBHOOK_TIMESTAMP_STALE: { status: 401, trpcCode: "UNAUTHORIZED", title: "Webhook too old" },
  CRON_SECRET_INVALID: {
    status: 401,
    trpcCode: "UNAUTHORIZED",
    title: "Cron secret missing or wrong",
  },
  SIGNATURE_INVALID: { status: 403, trpcCode: "FORBIDDEN", title: "Signature invalid" },
  SIGNATURE_EXPIRED: { status: 403, trpcCode: "FORBIDDEN", title: "Signed URL expired" },
  WEBHOOK_REPLAYED: { status: 409, trpcCode: "CONFLICT", title: "Webhook already received" },
  WATCH_LIMIT_REACHED: { status: 409, trpcCode: "CONFLICT", title: "Too many watches" },
  NOT_FOUND: { status: 404, trpcCode: "NOT_FOUND", title: "Not found" },
  VERSION_NOT_FOUND: { status: 404, trpcCode: "NOT_FOUND", title: "Version not found" },
  METHOD_NOT_ALLOWED: {
    status: 405,
    trpcCode: "METHOD_NOT_SUPPORTED",
    title: "Method not allowed",
  },
  REQUEST_TIMEOUT: { status: 408, trpcCode: "TIMEOUT", title: "Request not received in time" },
  PAYLOAD_TOO_LARGE: { status: 413, trpcCode: "PAYLOAD_TOO_LARGE", title: "Body too large" },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    trpcCode: "UNSUPPORTED_MEDIA_TYPE",
    title: "Unsupported media type",
  },
  // Refused by the HTTP server before any procedure runs; tRPC has no 431 of its own.
  HEADERS_TOO_LARGE: {
    status: 431,
    trpcCode: "BAD_REQUEST",
    title: "Request line or headers too large",
  },
  TARGET_UNREACHABLE: {
    status: 422,
    trpcCode: "UNPROCESSABLE_CONTENT",
    title: "Target unreachable",
  },
  ELEMENT_NOT_FOUND: {
    status: 422,
    trpcCode: "UNPROCESSABLE_CONTENT",
    title: "Element not found",
  },
  TARGET_HTTP_ERROR: {
    status: 422,
    trpcCode: "UNPROCESSABLE_CONTENT",
    title: "Target answered with an error",
  },
  INTERNAL: { status: 500, trpcCode: "INTERNAL_SERVER_ERROR", title: "Internal error" },
  RENDER_FAILED: { status: 500, trpcCode: "INTERNAL_SERVER_ERROR", title: "Render failed" },
  BROWSER_UNAVAILABLE: {
    status: 503,
    trpcCode: "SERVICE_UNAVAILABLE",
    title: "Browser unavailable",
  },
  RATE_LIMITED: { status: 429, trpcCode: "TOO_MANY_REQUESTS", title: "Too many requests" },
  SHUTTING_DOWN: { status: 503, trpcCode: "SERVICE_UNAVAILABLE", title: "Shutting down" },
  SATURATED: { status: 503, trpcCode: "SERVICE_UNAVAILABLE", title: "Too busy" },
  STORE_UNAVAILABLE: {
    status: 503,
    trpcCode: "SERVICE_UNAVAILABLE",
    title: "Cache store unavailable",
  },
  RENDER_TIMEOUT: { status: 504, trpcCode: "GATEWAY_TIMEOUT", title: "Render timed out" },
};
