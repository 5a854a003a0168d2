type Fetch = typeof globalThis.fetch;

interface Answer {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

/**
 * Concurrent identical GETs of one client share one request: the first goes out, the others wait
 * for its answer and each gets its own copy. A caller's abort still ends only its own wait.
 */
export function createSharedFetch(fetchImpl: Fetch): Fetch {
  const inFlight = new Map<string, Promise<Answer>>();
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    if (method !== "GET") return fetchImpl(input, init);
    const key = `${input instanceof Request ? input.url : String(input)}\n${JSON.stringify([
      ...new Headers(init?.headers),
    ])}`;
    let answer = inFlight.get(key);
    if (!answer) {
      answer = fetchImpl(input, init)
        .then(async (response) => ({
          status: response.status,
          headers: [...response.headers],
          body: await response.arrayBuffer(),
        }))
        .finally(() => inFlight.delete(key));
      inFlight.set(key, answer);
    }
    const { status, headers, body } = await answer;
    // A 304 (or any null-body status) cannot be given a body, even an empty one.
    const nullBody = status === 204 || status === 304;
    return new Response(nullBody ? null : body.slice(0), { status, headers });
  };
}
