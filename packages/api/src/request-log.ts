import { randomUUID } from "node:crypto";

/** What the API logs through: pino's methods, or anything shaped like them. */
export interface RequestLogger {
  info(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** The caller's `X-Request-Id` when it is a sane one, else a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * One line per request: id, method, path (never the query, which may carry a signed URL or a
 * page's own tokens), status, duration, cache status and the caller's address. No header value, API key or secret is
 * ever logged.
 */
export function logRequest(
  logger: RequestLogger | undefined,
  fields: {
    requestId: string;
    method: string;
    path: string;
    status: number;
    ms: number;
    cache?: string | null;
    /** The caller's address. */
    client: string;
  },
): void {
  if (!logger) return;
  const line: Record<string, string | number> = {
    reqId: fields.requestId,
    method: fields.method,
    path: fields.path,
    status: fields.status,
    ms: Math.round(fields.ms * 10) / 10,
  };
  if (fields.cache) line.cache = fields.cache;
  line.client = fields.client;
  logger.info(line, "request");
}
