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
 * parsed only if a handler asks for it (a cache hit needs only the raw query).
 */
export function restRequestFromNode(
  request: IncomingMessage,
  resolve?: ClientAddressResolver,
): RestRequest {
  let client: string | undefined;
  // A fixed base: the Host header is the caller's word, and a path like `//x` must stay a path.
  const target = request.url?.startsWith("/") ? request.url : "/";
  const queryAt = target.indexOf("?");
  let url: URL | undefined;
  return {
    method: request.method ?? "GET",
    path: queryAt === -1 ? target : target.slice(0, queryAt),
    search: queryAt === -1 ? "" : target.slice(queryAt),
    get url() {
      url ??= new URL(`http://localhost${target}`);
      return url;
    },
    header: (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
    clientAddress: () => {
      client ??= nodeClientAddress(request, resolve);
      return client;
    },
    text: (maxBytes) => readLimited(request, maxBytes),
  };
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
    const rest = restRequestFromNode(request, context.clientAddressOf);
    void answerLogged(handler, rest, context).then((answer) => writeRestResponse(response, answer));
  };
}
