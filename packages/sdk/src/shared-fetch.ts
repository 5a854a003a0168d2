type Fetch = typeof globalThis.fetch;

interface Answer {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

interface SharedRequest {
  answer: Promise<Answer>;
  /** Ends the request once every caller waiting for it has given up. */
  controller: AbortController;
  waiters: number;
}

/** `promise`, or the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Concurrent identical GETs of one client share one request: the first goes out, the others wait
 * for its answer and each gets its own copy. A caller's abort ends only its own wait; the request
 * itself is aborted when no caller is left waiting for it.
 */
export function createSharedFetch(fetchImpl: Fetch): Fetch {
  const inFlight = new Map<string, SharedRequest>();
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    if (method !== "GET") return fetchImpl(input, init);
    const key = `${input instanceof Request ? input.url : String(input)}\n${JSON.stringify([
      ...new Headers(init?.headers),
    ])}`;
    let shared = inFlight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const answer = fetchImpl(input, { ...init, signal: controller.signal }).then(
        async (response) => ({
          status: response.status,
          headers: [...response.headers],
          body: await response.arrayBuffer(),
        }),
      );
      const started: SharedRequest = { answer, controller, waiters: 0 };
      const forget = () => {
        if (inFlight.get(key) === started) inFlight.delete(key);
      };
      answer.then(forget, forget);
      inFlight.set(key, started);
      shared = started;
    }
    shared.waiters++;
    try {
      const { status, headers, body } = await untilAborted(shared.answer, init?.signal);
      // A 304 (or any null-body status) cannot be given a body, even an empty one.
      const nullBody = status === 204 || status === 304;
      return new Response(nullBody ? null : body.slice(0), { status, headers });
    } finally {
      if (--shared.waiters === 0 && init?.signal?.aborted) {
        // Nobody wants this answer any more: a later call starts afresh.
        if (inFlight.get(key) === shared) inFlight.delete(key);
        shared.controller.abort(init.signal.reason);
      }
    }
  };
}
