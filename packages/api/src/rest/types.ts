import type { ClientAddressResolver } from "../client-address";
import type { ApiContext } from "../context";
import type { DescribedPath } from "../openapi";
import type { RequestLogger } from "../request-log";

/**
 * What a REST handler needs of a request: enough for a Fetch `Request` or a `node:http` message
 * turned into one cheaply. Its functions are methods: call them on the request, never detached.
 */
export interface RestRequest {
  method: string;
  /** The path, as the request line gives it. */
  path: string;
  /** The query as the request line gives it, `?` included; empty when there is none. */
  search: string;
  /** The whole URL, parsed (a mount may parse it only when asked: the hit path never does). */
  readonly url: URL;
  /** A header by its lower-case name (as Node keeps them); repeated ones joined by `, `. */
  header(name: string): string | null;
  /** The caller's address (per the trusted proxies), for per-address rate limits and logs. */
  clientAddress(): string;
  /** The body as text; rejects with `BodyTooLargeError` past `maxBytes`. */
  text(maxBytes: number): Promise<string>;
}

export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
}

/**
 * What a REST handler answers: plain data, so a host can write it to a Fetch `Response` or
 * straight to a `node:http` response without paying for the other's objects.
 */
export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string | null;
}

/** What a mount needs of a context: where to log requests, and how to tell who the caller is. */
export interface MountContext {
  logger?: RequestLogger;
  onUnexpectedError?: (error: unknown) => void;
  /** Who the caller is; without it, the connection's peer (no proxy is trusted). */
  clientAddressOf?: ClientAddressResolver;
}

export type RestHandler<Context> = (
  request: RestRequest,
  context: Context,
) => Promise<RestResponse>;

/**
 * A REST endpoint: its path, its handler, and its description in the OpenAPI document, kept
 * together so that what is served and what is documented come from one list (routes.ts).
 */
export interface RestRoute extends DescribedPath {
  /**
   * As the document lists it. A path with a parameter (`/api/v1/watches/{id}`) is mounted by what
   * precedes the parameter, and its handler reads the rest of the path itself.
   */
  path: string;
  handler: RestHandler<ApiContext>;
  /** What each method does, for the document: called only when the document is built. */
  describe: DescribedPath["describe"];
}
