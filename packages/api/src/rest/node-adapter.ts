import type { IncomingMessage, ServerResponse } from "node:http";
import { answerLogged } from "./logged";
import {
  BodyTooLargeError,
  type LoggingContext,
  type RestHandler,
  type RestRequest,
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

/** A `node:http` request as a REST handler reads it; no Fetch objects are made. */
export function restRequestFromNode(request: IncomingMessage): RestRequest {
  return {
    method: request.method ?? "GET",
    // A fixed base: the Host header is the caller's word, and a path like `//x` must stay a path.
    url: new URL(`http://localhost${request.url?.startsWith("/") ? request.url : "/"}`),
    header: (name) => {
      const value = request.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
    clientAddress: () => request.socket.remoteAddress ?? "unknown",
    text: (maxBytes) => readLimited(request, maxBytes),
  };
}

/**
 * Mounts a REST handler on `node:http` directly: the fast path where throughput matters, without
 * the cost of Fetch `Request`/`Response` objects (see the benchmark results). Like the Fetch
 * mount, it answers a handler's escaping failure with a problem, sets `X-Request-Id` and logs.
 */
export function nodeHandler<Context extends LoggingContext>(
  handler: RestHandler<Context>,
  context: Context,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    let rest: RestRequest;
    try {
      rest = restRequestFromNode(request);
    } catch {
      response.writeHead(400, { "content-type": "text/plain" }).end("malformed request");
      return;
    }
    void answerLogged(handler, rest, context).then((result) => {
      response.writeHead(result.status, result.headers);
      response.end(result.body ?? undefined);
    });
  };
}
