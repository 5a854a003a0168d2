import type { IncomingMessage, ServerResponse } from "node:http";
import { answerLogged } from "./logged";
import {
  BodyTooLargeError,
  type LoggingContext,
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

/**
 * A `node:http` request as a REST handler reads it; no Fetch objects are made, and the URL is
 * parsed only if a handler asks for it (a cache hit needs only the raw query).
 */
export function restRequestFromNode(
  request: IncomingMessage,
  clientAddress: () => string = () => request.socket.remoteAddress ?? "unknown",
): RestRequest {
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
      const value = request.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
    clientAddress,
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
 * `clientAddress` says who the caller is; by default the socket's peer.
 */
export function nodeHandler<Context extends LoggingContext>(
  handler: RestHandler<Context>,
  context: Context,
  clientAddress?: (request: IncomingMessage) => string,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const rest = restRequestFromNode(request, clientAddress && (() => clientAddress(request)));
    void answerLogged(handler, rest, context).then((answer) => writeRestResponse(response, answer));
  };
}
