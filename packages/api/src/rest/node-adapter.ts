import type { IncomingMessage, ServerResponse } from "node:http";
import { type ClientAddressResolver, DIRECT_CALLERS } from "../client-address";
import { answerLogged } from "./logged";
import {
  BodyTooLargeError,
  type MountContext,
  type RestHandler,
  type RestRequest,
  type RestResponse,
} from "./types";

/** Reads a request body; past `maxBytes` the rest is drained and dropped, then it rejects. */
async function readLimited(request: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxBytes) throw new BodyTooLargeError(`the body is larger than ${maxBytes} bytes`);
  return Buffer.concat(chunks).toString("utf8");
}

/** Who sent a `node:http` request: its peer, or whom the trusted proxies name (`resolve`). */
export function nodeClientAddress(
  request: IncomingMessage,
  resolve: ClientAddressResolver = DIRECT_CALLERS,
): string {
  const forwardedFor = request.headers["x-forwarded-for"];
  return resolve(
    request.socket.remoteAddress,
    Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor,
  );
}

/**
 * A `node:http` request as a REST handler reads it; no Fetch objects are made, and the URL is
 * parsed only if a handler asks for it (a cache hit needs only the raw query). A class, not an
 * object literal: its getter and methods are made once, not for every request.
 */
class NodeRestRequest implements RestRequest {
  readonly method: string;
  readonly path: string;
  readonly search: string;
  readonly #request: IncomingMessage;
  readonly #resolve: ClientAddressResolver | undefined;
  /** The request target; a fixed base when parsed: the Host header is the caller's word. */
  readonly #target: string;
  #url: URL | undefined;
  #client: string | undefined;

  constructor(request: IncomingMessage, resolve?: ClientAddressResolver) {
    this.#request = request;
    this.#resolve = resolve;
    // A path like `//x` must stay a path.
    this.#target = request.url?.startsWith("/") ? request.url : "/";
    const queryAt = this.#target.indexOf("?");
    this.method = request.method ?? "GET";
    this.path = queryAt === -1 ? this.#target : this.#target.slice(0, queryAt);
    this.search = queryAt === -1 ? "" : this.#target.slice(queryAt);
  }

  get url(): URL {
    this.#url ??= new URL(`http://localhost${this.#target}`);
    return this.#url;
  }

  header(name: string): string | null {
    const value = this.#request.headers[name];
    return Array.isArray(value) ? value.join(", ") : (value ?? null);
  }

  clientAddress(): string {
    this.#client ??= nodeClientAddress(this.#request, this.#resolve);
    return this.#client;
  }

  text(maxBytes: number): Promise<string> {
    return readLimited(this.#request, maxBytes);
  }
}

/** Statuses that never carry a body, so they get no `Content-Length` either (RFC 9110 §8.6). */
const BODILESS = new Set([204, 304]);

/**
 * Writes a handler's answer. The body is always known whole, so it is sent with its
 * `Content-Length` (never chunked): caches, balancers and clients all know where it ends.
 */
export function writeRestResponse(response: ServerResponse, answer: RestResponse): void {
  const { headers, body } = answer;
  if (!BODILESS.has(answer.status) && headers["content-length"] === undefined) {
    const length =
      body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    headers["content-length"] = String(length);
  }
  response.writeHead(answer.status, headers);
  response.end(body ?? undefined);
}

/**
 * Mounts a REST handler on `node:http` directly: the fast path where throughput matters, without
 * the cost of Fetch `Request`/`Response` objects (see the benchmark results). Like the Fetch
 * mount, it answers a handler's escaping failure with a problem, sets `X-Request-Id` and logs.
 */
export function nodeHandler<Context extends MountContext>(
  handler: RestHandler<Context>,
  context: Context,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const rest = new NodeRestRequest(request, context.clientAddressOf);
    void answerLogged(handler, rest, context).then((answer) => writeRestResponse(response, answer));
  };
}
