type Fetch = typeof globalThis.fetch;

/** When a failed exchange is tried again. */
export interface RetryOptions {
  /** Tries after the first. @default 2 */
  retries?: number;
  /** First back-off after a network error, in ms; doubled each try, with jitter. @default 200 */
  backoffMs?: number;
  /** Longest wait a `Retry-After` may ask for before the SDK gives up instead. @default 10000 */
  maxRetryAfterMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** `Retry-After` in ms: seconds, or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Wraps `fetch` with retries: a 429 or 503 is tried again after its `Retry-After` (when it asks
 * for no more than `maxRetryAfterMs`), and a network failure after an exponential back-off with
 * jitter. An aborted request is never retried; the caller's signal also cuts the waits short.
 */
export function createRetryFetch(fetchImpl: Fetch, options: RetryOptions = {}): Fetch {
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 200;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetchImpl(input, init);
      } catch (error) {
        const aborted = init?.signal?.aborted || (error as Error)?.name === "AbortError";
        if (aborted || attempt >= retries) throw error;
        await sleep(backoffMs * 2 ** attempt * (0.5 + Math.random()), init?.signal);
        continue;
      }
      if ((response.status !== 429 && response.status !== 503) || attempt >= retries)
        return response;
      const wait = retryAfterMs(response.headers.get("retry-after")) ?? backoffMs * 2 ** attempt;
      if (wait > maxRetryAfterMs) return response;
      await response.body?.cancel();
      await sleep(wait, init?.signal);
    }
  };
}
