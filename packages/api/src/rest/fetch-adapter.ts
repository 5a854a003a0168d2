import { type ClientAddressResolver, DIRECT_CALLERS } from "../client-address";
import { answerLogged } from "./logged";
import {
  BodyTooLargeError,
  type MountContext,
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
 * The caller's address as a Fetch host knows it. Such a host (Next.js, a serverless platform)
 * has no socket to show: it adds the peer it saw as the last `X-Forwarded-For` hop. Hops before
 * it count only as far as the trusted proxies (`resolve`) go.
 */
export function clientAddressFrom(
  headers: Headers,
  resolve: ClientAddressResolver = DIRECT_CALLERS,
): string {
  const hops = headers.get("x-forwarded-for")?.split(",") ?? [];
  const peer = hops.pop()?.trim();
  return resolve(peer, hops.join(","));
}

export function restRequestFrom(request: Request, resolve?: ClientAddressResolver): RestRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    search: url.search,
    url,
    header: (name) => request.headers.get(name),
    clientAddress: () => clientAddressFrom(request.headers, resolve),
    text: (maxBytes) => readLimited(request, maxBytes),
  };
}

/**
 * Bodies larger than this are streamed. Vercel refuses a function's buffered answer over 4.5 MB
 * but not a streamed one; 4 MB leaves room for the headers.
 */
export const STREAM_ABOVE_BYTES = 4 * 1024 * 1024;
const STREAM_CHUNK_BYTES = 1024 * 1024;

/**
 * `bytes` as a stream of views into it, one chunk each time the reader asks. Not a byte stream:
 * that would transfer (detach) the buffer under each chunk, and these bytes may be the image a
 * local cache keeps serving.
 */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      const end = Math.min(offset + STREAM_CHUNK_BYTES, bytes.byteLength);
      controller.enqueue(bytes.subarray(offset, end));
      offset = end;
      if (offset >= bytes.byteLength) controller.close();
    },
  });
}

export function toFetchResponse(response: RestResponse): Response {
  const { body } = response;
  const streamed = body instanceof Uint8Array && body.byteLength > STREAM_ABOVE_BYTES;
  // A Uint8Array is a valid body at run time; the DOM typings only want ArrayBuffer-backed views.
  return new Response(
    (streamed ? chunked(body) : body) as ConstructorParameters<typeof Response>[0],
    { status: response.status, headers: response.headers },
  );
}

/**
 * Mounts a REST handler where a Fetch `Request → Response` function is expected (Next routes),
 * giving every response an `X-Request-Id` and every request a log line.
 */
export function fetchHandler<Context extends MountContext>(
  handler: RestHandler<Context>,
  context: () => Context | Promise<Context>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const served = await context();
    const answer = await answerLogged(
      handler,
      restRequestFrom(request, served.clientAddressOf),
      served,
    );
    return toFetchResponse(answer);
  };
}
