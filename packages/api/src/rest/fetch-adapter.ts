import type { RestHandler, RestRequest, RestResponse } from "./types";

export function restRequestFrom(request: Request): RestRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
  };
}

export function toFetchResponse(response: RestResponse): Response {
  // A Uint8Array is a valid body at run time; the DOM typings only want ArrayBuffer-backed views.
  return new Response(response.body as ConstructorParameters<typeof Response>[0], {
    status: response.status,
    headers: response.headers,
  });
}

/** Mounts a REST handler where a Fetch `Request → Response` function is expected (Next routes). */
export function fetchHandler<Context>(
  handler: RestHandler<Context>,
  context: () => Context | Promise<Context>,
): (request: Request) => Promise<Response> {
  return async (request) =>
    toFetchResponse(await handler(restRequestFrom(request), await context()));
}
