import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ApiContext } from "./context";
import { nodeClientAddress, writeRestResponse } from "./rest/node-adapter";
import { problem } from "./rest/problem";
import { handleTrpcRequest } from "./trpc-handler";

/**
 * The request as tRPC's Fetch adapter reads it. Aborted when the caller goes away, so a capture
 * nobody waits for any more can be given up.
 */
function fetchRequestFrom(request: IncomingMessage, response: ServerResponse): Request {
  const headers = new Headers();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    headers.append(request.rawHeaders[i] ?? "", request.rawHeaders[i + 1] ?? "");
  }
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort();
  });
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const path = request.url?.startsWith("/") ? request.url : "/";
  return new Request(`http://localhost${path}`, {
    method: request.method,
    headers,
    signal: controller.signal,
    body: hasBody ? (Readable.toWeb(request) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
  } as RequestInit);
}

/**
 * Mounts tRPC on `node:http` through its Fetch adapter (`handleTrpcRequest`), which keeps the
 * 304, body limit and logging in one place. Against tRPC's own node adapter, on a
 * `screenshot.capture` hit (wrk, 16 connections, 2 cores, two alternating runs each): 3,167 and
 * 2,177 req/s here, 2,502 and 2,696 there; within noise, since that adapter also turns the
 * message into a Fetch `Request`. So the one code path is kept. tRPC answers are JSON known
 * whole, and are written with their `Content-Length`.
 */
export function nodeTrpcHandler(
  context: ApiContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const answer = async () => {
      const fetchResponse = await handleTrpcRequest(fetchRequestFrom(request, response), context, {
        clientAddress: nodeClientAddress(request, context.clientAddressOf),
      });
      const body = fetchResponse.body ? new Uint8Array(await fetchResponse.arrayBuffer()) : null;
      const headers = Object.fromEntries(fetchResponse.headers);
      delete headers["content-length"]; // recomputed from the body as written
      writeRestResponse(response, { status: fetchResponse.status, headers, body });
    };
    answer().catch((error: unknown) => {
      context.onUnexpectedError?.(error);
      if (response.headersSent) return response.destroy();
      writeRestResponse(response, problem("INTERNAL", "The request failed unexpectedly."));
    });
  };
}
