type Fetch = typeof globalThis.fetch;

/**
 * Follows the server's redirect of a cached image to its object store (SHOTCACHE_OBJECT_REDIRECT)
 * itself, and answers the image with the server's headers: its ETag and cache facts, not the
 * bucket's. The presigned URL needs no key, and is sent none. Any other redirect (a proxy's) is
 * followed as `fetch` follows it.
 */
export function createObjectRedirectFetch(fetchImpl: Fetch): Fetch {
  return async (input, init) => {
    const answer = await fetchImpl(input, { ...init, redirect: "manual" });
    const location = answer.headers.get("location");
    if (answer.status < 300 || answer.status >= 400 || !location) return answer;
    await answer.body?.cancel();
    if (answer.status !== 302 || !answer.headers.has("x-cache")) return fetchImpl(input, init);
    const image = await fetchImpl(location, { signal: init?.signal ?? null });
    if (!image.ok) return image;
    const headers = new Headers(answer.headers);
    headers.delete("location");
    for (const name of ["content-type", "content-length"]) {
      const value = image.headers.get(name);
      if (value) headers.set(name, value);
    }
    return new Response(image.body, { status: 200, headers });
  };
}
