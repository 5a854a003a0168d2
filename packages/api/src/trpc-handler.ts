import { ifNoneMatchMatches } from "@shotcache/core";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { ApiContext } from "./context";
import { appRouter } from "./root";

/** Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5). */
const NOT_MODIFIED_HEADERS = [
  "etag",
  "cache-control",
  "last-modified",
  "age",
  "x-cache",
  "x-cache-age",
  "x-cache-ttl",
  "x-cache-key",
];

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
  const response = await fetchRequestHandler({
    endpoint,
    req: request,
    router: appRouter,
    createContext: ({ resHeaders, info }) => ({
      ...context,
      resHeaders,
      isBatchCall: info.isBatchCall,
    }),
    onError: ({ error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") context.onUnexpectedError?.(error.cause ?? error);
    },
  });
  const etag = response.headers.get("etag");
  if (
    request.method === "GET" &&
    response.status === 200 &&
    etag &&
    ifNoneMatchMatches(request.headers.get("if-none-match"), etag)
  ) {
    await response.body?.cancel();
    const headers = new Headers();
    for (const name of NOT_MODIFIED_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    return new Response(null, { status: 304, headers });
  }
  return response;
}
