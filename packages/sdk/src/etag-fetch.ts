import { base64FromBytes, bytesFromBase64 } from "./base64";
import type { ETagCache } from "./etag-cache";

type Fetch = typeof globalThis.fetch;

/** Set on a 200 the SDK replayed from its own cache after the server answered 304. */
export const FROM_CLIENT_CACHE_HEADER = "x-shotcache-from-client-cache";

/**
 * Wraps `fetch` for cacheable GETs (images): sends the ETag of the response it holds, and turns
 * the server's bodiless 304 back into that 200, with the 304's own headers (the cache facts of
 * now) and the held bytes.
 */
export function createETagFetch(fetchImpl: Fetch, cache: ETagCache): Fetch {
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    if (method !== "GET") return fetchImpl(input, init);

    const held = cache.get(url);
    const headers = new Headers(init?.headers);
    if (held) headers.set("if-none-match", held.etag);
    const response = await fetchImpl(input, { ...init, headers });

    if (response.status === 304 && held) {
      const replayed = new Headers(response.headers);
      replayed.set("content-type", held.contentType);
      replayed.set(FROM_CLIENT_CACHE_HEADER, "true");
      return new Response(bytesFromBase64(held.body), { status: 200, headers: replayed });
    }
    const etag = response.headers.get("etag");
    if (response.ok && etag) {
      const body = new Uint8Array(await response.clone().arrayBuffer());
      const contentType = response.headers.get("content-type") ?? "application/octet-stream";
      cache.set(url, { etag, contentType, body: base64FromBytes(body) });
    }
    return response;
  };
}
