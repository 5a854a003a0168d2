import type { ETagCache } from "./etag-cache";

type Fetch = typeof globalThis.fetch;

/** Marks a result replayed from the client's cache, read back by `capture`. */
export const FROM_CLIENT_CACHE = "fromClientCache";

/**
 * Wraps `fetch` for cacheable GET queries: sends the ETag of the response it holds, and turns the
 * server's bodiless 304 back into that 200 (tRPC would otherwise fail to parse an empty body),
 * refreshed with the cache facts the 304 carries.
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
      return new Response(replay(held.body, response.headers), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }
    const etag = response.headers.get("etag");
    if (response.ok && etag) cache.set(url, { etag, body: await response.clone().text() });
    return response;
  };
}

/** The cached tRPC body, with `result.data.cache` updated from the 304's headers. */
function replay(body: string, headers: Headers): string {
  const envelope = JSON.parse(body);
  const facts = envelope?.result?.data?.cache;
  if (facts && typeof facts === "object") {
    facts[FROM_CLIENT_CACHE] = true;
    facts.status = headers.get("x-cache") ?? facts.status;
    const age = headers.get("x-cache-age");
    const ttl = headers.get("x-cache-ttl");
    const renderMs = headers.get("x-render-time");
    const lastModified = Date.parse(headers.get("last-modified") ?? "");
    if (age !== null) facts.ageSeconds = Number(age);
    if (ttl !== null) facts.ttlSeconds = Number(ttl);
    if (renderMs !== null) facts.renderMs = Number(renderMs);
    // The same bytes may have been rendered again since: Last-Modified has whole seconds only.
    if (lastModified && lastModified !== Math.floor(Date.parse(facts.capturedAt) / 1000) * 1000) {
      facts.capturedAt = new Date(lastModified).toISOString();
    }
  }
  return JSON.stringify(envelope);
}
