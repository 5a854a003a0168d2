import { answerLogged } from "./logged";
import {
  BodyTooLargeError,
  type LoggingContext,
  type RestHandler,
  type RestRequest,
  type RestResponse,
} from "./types";

/** Reads a Fetch body, giving up (and cancelling it) as soon as it passes `maxBytes`. */
async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
    size += next.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw new BodyTooLargeError(`the body is larger than ${maxBytes} bytes`);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The caller's address as a Fetch host knows it: the last `X-Forwarded-For` hop, which is the one
 * the nearest proxy (or Next.js itself, when there is none) saw. Earlier hops are the caller's own
 * word and are ignored.
 */
export function clientAddressFrom(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || "unknown";
}

export function restRequestFrom(request: Request): RestRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    search: url.search,
    url,
    header: (name) => request.headers.get(name),
    clientAddress: () => clientAddressFrom(request.headers),
    text: (maxBytes) => readLimited(request, maxBytes),
  };
}

export function toFetchResponse(response: RestResponse): Response {
  // A Uint8Array is a valid body at run time; the DOM typings only want ArrayBuffer-backed views.
  return new Response(response.body as ConstructorParameters<typeof Response>[0], {
    status: response.status,
    headers: response.headers,
  });
}

/**
 * Mounts a REST handler where a Fetch `Request → Response` function is expected (Next routes),
 * giving every response an `X-Request-Id` and every request a log line.
 */
export function fetchHandler<Context extends LoggingContext>(
  handler: RestHandler<Context>,
  context: () => Context | Promise<Context>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const answer = await answerLogged(handler, restRequestFrom(request), await context());
    return toFetchResponse(answer);
  };
}
