import { ifNoneMatchMatches } from "@shotcache/core";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { ApiContext } from "./context";
import { publicOriginOf } from "./public-origin";
import { logRequest, requestIdFrom } from "./request-log";
import { clientAddressFrom } from "./rest/fetch-adapter";
import { appRouter } from "./root";
import type { TrpcContext } from "./trpc";

/**
 * tRPC bodies (a purge, a URL to sign) are small: a larger one is refused as it streams in. A
 * capture is a query, in a GET's URL: large markup goes by the REST POST (as the SDK sends it).
 */
export const MAX_TRPC_BODY_BYTES = 64 * 1024;

/**
 * The request with a body that fails with PAYLOAD_TOO_LARGE once it passes `maxBytes`, so an
 * oversized body is never held whole; tRPC answers that error as it does in its own Node adapter
 * (`maxBodySize`), which the Fetch adapter lacks.
 */
function withBodyLimit(request: Request, maxBytes: number): Request {
  if (!request.body) return request;
  let size = 0;
  const limited = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size <= maxBytes) return controller.enqueue(chunk);
        const message = `The body may hold at most ${maxBytes} bytes.`;
        controller.error(new TRPCError({ code: "PAYLOAD_TOO_LARGE", message }));
      },
    }),
  );
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: "half",
  } as RequestInit);
}

/** Headers that describe a body, which a 304 has none of (RFC 9110 §15.4.5). */
const BODY_HEADERS = new Set(["content-type", "content-length", "content-encoding"]);

export interface TrpcRequestOptions {
  /** Where the router is mounted. @default "/api/trpc" */
  endpoint?: string;
  /** The caller's address, when the host knows it (its socket's peer, and trusted proxies). */
  clientAddress?: string;
}

/**
 * Serves tRPC over Fetch. A GET whose procedure set an ETag that the caller already holds gets a
 * bodiless 304: tRPC's `responseMeta` cannot send one (a 304 Response cannot carry the body tRPC
 * builds), so it is done here around the handler.
 */
export async function handleTrpcRequest(
  request: Request,
  context: ApiContext,
  { endpoint = "/api/trpc", clientAddress }: TrpcRequestOptions = {},
): Promise<Response> {
  const started = performance.now();
  const client = clientAddress ?? clientAddressFrom(request.headers, context.clientAddressOf);
  const response = await fetchRequestHandler({
    endpoint,
    req: withBodyLimit(request, MAX_TRPC_BODY_BYTES),
    router: appRouter,
    maxBatchSize: 10,
    createContext: ({ req, resHeaders, info }): TrpcContext => ({
      ...context,
      shotcacheRequest: true,
      resHeaders,
      isBatchCall: info.isBatchCall,
      authorization: req.headers.get("authorization"),
      ifNoneMatch: req.headers.get("if-none-match"),
      clientAddress: client,
      origin: publicOriginOf({ header: (name) => req.headers.get(name) }),
    }),
    // A failure on our side (5xx) is logged; the formatter keeps its cause from the caller.
    onError: ({ error }) => {
      if (getHTTPStatusCodeFromError(error) >= 500)
        context.onUnexpectedError?.(error.cause ?? error);
    },
  });
  const requestId = requestIdFrom(request.headers.get("x-request-id"));
  response.headers.set("x-request-id", requestId);
  const answer = await notModifiedOr(request, response);
  logRequest(context.logger, {
    requestId,
    method: request.method,
    path: new URL(request.url).pathname,
    status: answer.status,
    ms: performance.now() - started,
    cache: answer.headers.get("x-cache"),
    client,
  });
  return answer;
}

/** A bodiless 304 when a GET's procedure set an ETag the caller already holds; else `response`. */
async function notModifiedOr(request: Request, response: Response): Promise<Response> {
  const etag = response.headers.get("etag");
  if (
    request.method !== "GET" ||
    response.status !== 200 ||
    !etag ||
    !ifNoneMatchMatches(request.headers.get("if-none-match"), etag)
  ) {
    return response;
  }
  await response.body?.cancel();
  const headers = new Headers(response.headers);
  for (const name of BODY_HEADERS) headers.delete(name);
  return new Response(null, { status: 304, headers });
}
