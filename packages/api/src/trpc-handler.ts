import { ifNoneMatchMatches } from "@shotcache/core";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { ApiContext } from "./context";
import { logRequest, requestIdFrom } from "./request-log";
import { clientAddressFrom } from "./rest/fetch-adapter";
import { appRouter } from "./root";

/** Headers that describe a body, which a 304 has none of (RFC 9110 §15.4.5). */
const BODY_HEADERS = new Set(["content-type", "content-length", "content-encoding"]);

/**
 * Serves tRPC over Fetch. A GET whose procedure set an ETag that the caller already holds gets a
 * bodiless 304: tRPC's `responseMeta` cannot send one (a 304 Response cannot carry the body tRPC
 * builds), so it is done here around the handler.
 */
export async function handleTrpcRequest(
  request: Request,
  context: ApiContext,
  endpoint = "/api/trpc",
): Promise<Response> {
  const started = performance.now();
  const response = await fetchRequestHandler({
    endpoint,
    req: request,
    router: appRouter,
    maxBatchSize: 10,
    createContext: ({ req, resHeaders, info }) => ({
      ...context,
      resHeaders,
      isBatchCall: info.isBatchCall,
      authorization: req.headers.get("authorization"),
      clientAddress: clientAddressFrom(req.headers),
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
