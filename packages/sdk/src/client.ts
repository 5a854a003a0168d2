import type { AppRouter } from "@shotcache/api/router";
import { queryPairs, type SignableInput } from "@shotcache/core/query-pairs";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { bytesFromBase64 } from "./base64";
import { type Batch, type BatchCaptureReport, type BatchInput, batchHandle } from "./batch";
import type { CallOptions } from "./call-options";
import { ShotcacheError } from "./errors";
import { createMemoryETagCache, type ETagCache } from "./etag-cache";
import { createETagFetch, FROM_CLIENT_CACHE_HEADER } from "./etag-fetch";
import { createObjectRedirectFetch } from "./object-redirect-fetch";
import { createRetryFetch, type RetryOptions } from "./retry-fetch";
import { createSharedFetch } from "./shared-fetch";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** Options of one capture: `url` plus any of width, height, scale, fullPage, format, … */
export type CaptureInput = Inputs["screenshot"]["capture"];
type ServerFacts = Outputs["screenshot"]["capture"]["cache"];
/** What the server says about how a capture was answered (its cache headers). */
export interface CacheFacts {
  /** `HIT`, `MISS`, `STALE`, `BYPASS` or `REFRESH`. */
  status: ServerFacts["status"];
  /** The variant's cache key. */
  key: string;
  /** Whole seconds since the render. */
  ageSeconds: number;
  /** Whole seconds the image stays fresh (0 when not stored). */
  ttlSeconds: number;
  /** Where the TTL came from; null when the image was not stored. */
  ttlSource: ServerFacts["ttlSource"];
  /** When the image was rendered (ISO, whole seconds). */
  capturedAt: string;
  /** When the content last changed (ISO, whole seconds): `Last-Modified`. */
  lastChangedAt: string;
  /**
   * Whether the image changed beyond the capture's `changeThreshold` since the variant's previous
   * version (until that is measured, whether it differs at all); null with none before.
   */
  changed: boolean | null;
  /** How much it changed (0–1), the capture's masks left out: `X-Content-Change-Ratio`; null until measured. */
  changeRatio: number | null;
  /** How long the render took, in ms, when this answer was rendered; null for a cached one. */
  renderMs: number | null;
  /** Why, for BYPASS and STALE. */
  reason: ServerFacts["reason"];
  /** True when the server answered 304 and the bytes came from this client's own cache. */
  fromClientCache: boolean;
}
/** Hits, misses, hit rate and hourly buckets, shared by every instance of the server. */
export type CacheStats = Outputs["stats"]["get"];
/** A watch to make: capture options, `every` (seconds) and the `webhook` told of changes. */
export type WatchInput = Inputs["watch"]["create"];
/** A watch as the server keeps it. */
export type Watch = Outputs["watch"]["create"];

/** What a link preview shows of a page (title, description, image, icon…), and when it was read. */
export type PageMetadata = NonNullable<Outputs["metadata"]["get"]>;
/** A page's metadata and the facts of how it was answered. */
export type Metadata = PageMetadata & { cache: CacheFacts };

/** A variant's versions, newest first: ETag, capture time, change ratio, and its image's URL. */
export type History = Outputs["history"]["list"];
/** What changed between two versions: a PNG and by how much. */
export interface Diff {
  /** `to` faded, its changed pixels red, masked areas hatched. */
  bytes: Uint8Array;
  changeRatio: number;
  from: { etag: string; capturedAt: string };
  to: { etag: string; capturedAt: string };
}

/** A screenshot and the facts of how it was answered. */
export interface Capture {
  /** The image, exactly as the server rendered it. */
  bytes: Uint8Array;
  /** `image/png`, `image/jpeg`, `image/webp`, `image/avif` or `application/pdf`. */
  contentType: string;
  /** The image's strong ETag: equal ETags mean equal bytes. */
  etag: string;
  cache: CacheFacts;
}

/** How a client reaches the server and how it caches, retries and times out. */
export interface ShotcacheClientOptions {
  /** Where shotcache runs, e.g. `http://localhost:3000`; `""` in a page served by shotcache itself. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when the server asks for keys. */
  apiKey?: string;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Where responses are kept for ETag revalidation; `false` turns it off. @default in memory, 64 M chars */
  cache?: ETagCache | false;
  /** Retries of 429/503 (after `Retry-After`) and network failures; `false` turns them off. @default 2 retries */
  retry?: RetryOptions | false;
  /** Longest wait for one HTTP exchange, in ms (a render can take a while). @default 60000 */
  timeout?: number;
}

/** The typed calls of shotcache; every failure is thrown as a `ShotcacheError`. */
export interface ShotcacheClient {
  /**
   * Captures a page, or revalidates the copy this client holds (a 304 costs no image bytes). Given
   * markup (`html` instead of `url`) and cookies are sent in a POST body, and so not revalidated.
   */
  capture(input: CaptureInput, options?: CallOptions): Promise<Capture>;
  /**
   * A page's link-preview metadata (title, description, image, icon…), cached on the server like a
   * capture, and revalidated by ETag like one.
   */
  metadata(url: string, options?: CallOptions): Promise<Metadata>;
  /**
   * Drops every cached variant of `url` on the server and at the CDNs it purges: how many entries
   * went, and what each CDN said.
   */
  purge(input: { url: string }, options?: CallOptions): Promise<Outputs["cache"]["purge"]>;
  /** The cached variants of `url`: key, age, freshness left, size. */
  inspect(input: { url: string }, options?: CallOptions): Promise<Outputs["cache"]["inspect"]>;
  /**
   * The versions of the variant `input` names (the same options as its capture), newest first,
   * each with its change against the one before it, measured with `input`'s masks.
   */
  history(input: CaptureInput, options?: CallOptions): Promise<History>;
  /**
   * What changed between two versions of the variant `input` names: by default the two newest,
   * else `from` and `to` (ETags from `history`).
   */
  diff(
    input: CaptureInput,
    versions?: { from?: string; to?: string },
    options?: CallOptions,
  ): Promise<Diff>;
  /** Shared statistics, with `hours` of hourly buckets (default 24, up to 168). */
  stats(input?: { hours?: number }, options?: CallOptions): Promise<CacheStats>;
  /**
   * A signed public URL of the capture `options`, made by the server, that a browser or CDN may
   * fetch with no API key; it expires after `expiresInSeconds` if given. Needs the server's signing
   * secret (else `NOT_FOUND`) and an admin key when keys are configured.
   */
  signUrl(
    input: { options: CaptureInput; expiresInSeconds?: number },
    options?: CallOptions,
  ): Promise<{ url: string; expiresAt: string | null }>;
  /**
   * Up to 1,000 captures by URL, run by the server in the background: resolves, once the server
   * took them, to the batch, whose results come as they finish (`for await … of batch`).
   */
  batch(input: BatchInput, options?: CallOptions): Promise<Batch>;
  /** A batch made earlier, by its id (a batch is kept a day); no request is made until used. */
  openBatch(id: string): Batch;
  /**
   * The image of a `done` capture of a batch, fetched from this client's server (its `image`
   * URL's path and query, with this client's key); not kept in the ETag cache.
   */
  batchImage(result: BatchCaptureReport, options?: CallOptions): Promise<Capture>;
  /** Whether the server's store and browser are well. */
  health(options?: CallOptions): Promise<Outputs["health"]>;
  /**
   * Watches: the server renders the page every `every` seconds and POSTs a signed delivery to
   * `webhook` when the image changed. Need an admin key when keys are configured, and the
   * server's webhook secret (else `NOT_FOUND`).
   */
  watch: {
    create(input: WatchInput, options?: CallOptions): Promise<Watch>;
    list(options?: CallOptions): Promise<Watch[]>;
    delete(input: { id: string }, options?: CallOptions): Promise<{ deleted: string }>;
  };
}

/** The cache facts a capture's answer carries in its headers (see the server's README). */
function factsOf(headers: Headers): CacheFacts {
  const number = (name: string) => Number(headers.get(name) ?? 0);
  const ageSeconds = number("x-cache-age");
  const answeredAt = Date.parse(headers.get("date") ?? "") || Date.now();
  const changed = headers.get("x-content-changed");
  const changeRatio = headers.get("x-content-change-ratio");
  const renderTime = headers.get("x-render-time");
  const lastModified = Date.parse(headers.get("last-modified") ?? "");
  return {
    status: (headers.get("x-cache") ?? "BYPASS") as CacheFacts["status"],
    key: headers.get("x-cache-key") ?? "",
    ageSeconds,
    ttlSeconds: number("x-cache-ttl"),
    ttlSource: (headers.get("x-cache-ttl-source") ?? null) as CacheFacts["ttlSource"],
    capturedAt: new Date(answeredAt - ageSeconds * 1000).toISOString(),
    lastChangedAt: new Date(
      Number.isFinite(lastModified) ? lastModified : answeredAt,
    ).toISOString(),
    changed: changed === null ? null : changed === "true",
    changeRatio: changeRatio === null ? null : Number(changeRatio),
    renderMs: renderTime === null ? null : Number(renderTime),
    reason: (headers.get("x-cache-reason") ?? null) as CacheFacts["reason"],
    fromClientCache: headers.get(FROM_CLIENT_CACHE_HEADER) === "true",
  };
}

/** A client for the shotcache server at `options.baseUrl`. */
export function createShotcacheClient(options: ShotcacheClientOptions): ShotcacheClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeout ?? 60_000;
  // Each exchange gets its own deadline, on top of whatever signal the caller passed.
  const timed: typeof fetch = (input, init) =>
    fetchImpl(input, {
      ...init,
      signal: init?.signal
        ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs),
    });
  const followed = createObjectRedirectFetch(timed);
  const retried = options.retry === false ? followed : createRetryFetch(followed, options.retry);
  const baseFetch = createSharedFetch(retried);
  const cache = options.cache ?? createMemoryETagCache();
  // Images come as bytes, from the REST endpoint, and are revalidated by ETag.
  const imageFetch = cache ? createETagFetch(baseFetch, cache) : baseFetch;
  const baseUrl = options.baseUrl.replace(/\/$/, "");
  const authorization: Record<string, string> = options.apiKey
    ? { authorization: `Bearer ${options.apiKey}` }
    : {};
  const trpc = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/api/trpc`, fetch: baseFetch, headers: authorization })],
  });

  /** Every failure leaves the SDK as a ShotcacheError. */
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw ShotcacheError.from(error);
    }
  };

  /** An image answer as a Capture, or its problem as a ShotcacheError. */
  const captureOf = async (response: Response): Promise<Capture> => {
    if (!response.ok) throw await ShotcacheError.fromResponse(response);
    const bytes = await call(async () => new Uint8Array(await response.arrayBuffer()));
    return {
      bytes,
      contentType: response.headers.get("content-type") ?? "application/octet-stream",
      etag: response.headers.get("etag") ?? "",
      cache: factsOf(response.headers),
    };
  };

  /** The batch `id`: its report and cancellation over tRPC. */
  const batchOf = (id: string): Batch =>
    batchHandle(id, {
      status: (signal) => call(() => trpc.batch.get.query({ id }, { signal })),
      cancel: (signal) => call(() => trpc.batch.cancel.mutate({ id }, { signal })),
    });

  return {
    async capture(input, callOptions) {
      const signal = callOptions?.signal;
      const query = new URLSearchParams(queryPairs(input as SignableInput));
      // Markup of up to 2 MB does not fit in a URL, and cookies are kept out of one (and so out of
      // the access logs of whatever proxies sit between).
      const response = await call(() =>
        input.html === undefined && input.cookies === undefined
          ? imageFetch(`${baseUrl}/api/v1/screenshot?${query}`, { headers: authorization, signal })
          : baseFetch(`${baseUrl}/api/v1/screenshot`, {
              method: "POST",
              headers: { ...authorization, "content-type": "application/json" },
              body: JSON.stringify(input),
              signal,
            }),
      );
      return captureOf(response);
    },
    async metadata(url, callOptions) {
      const query = new URLSearchParams({ url });
      const response = await call(() =>
        imageFetch(`${baseUrl}/api/v1/metadata?${query}`, {
          headers: authorization,
          signal: callOptions?.signal,
        }),
      );
      if (!response.ok) throw await ShotcacheError.fromResponse(response);
      const metadata = await call(async () => (await response.json()) as PageMetadata);
      return { ...metadata, cache: factsOf(response.headers) };
    },
    purge: (input, callOptions) => call(() => trpc.cache.purge.mutate(input, callOptions)),
    inspect: (input, callOptions) => call(() => trpc.cache.inspect.query(input, callOptions)),
    history: (input, callOptions) => call(() => trpc.history.list.query(input, callOptions)),
    async diff(input, versions = {}, callOptions) {
      const {
        image,
        contentType: _png,
        ...facts
      } = await call(() => trpc.history.diff.query({ capture: input, ...versions }, callOptions));
      return { bytes: bytesFromBase64(image), ...facts };
    },
    stats: (input, callOptions) => call(() => trpc.stats.get.query(input, callOptions)),
    async signUrl(input, callOptions) {
      const signed = await call(() => trpc.screenshot.sign.mutate(input, callOptions));
      return { url: baseUrl + signed.path, expiresAt: signed.expiresAt };
    },
    async batch(input, callOptions) {
      // Over REST: a thousand captures do not fit in a tRPC body (64 KB); a batch's may be 4 MB.
      // Never tried again: a batch made twice would render and count everything twice.
      const response = await call(() =>
        timed(`${baseUrl}/api/v1/batches`, {
          method: "POST",
          headers: { ...authorization, "content-type": "application/json" },
          body: JSON.stringify(input),
          signal: callOptions?.signal,
        }),
      );
      if (!response.ok) throw await ShotcacheError.fromResponse(response);
      const { id } = await call(async () => (await response.json()) as { id: string });
      return batchOf(id);
    },
    openBatch: batchOf,
    async batchImage(result, callOptions) {
      if (result.status !== "done" || !result.image) {
        throw new ShotcacheError(
          "NOT_FOUND",
          `Capture ${result.index} of the batch is ${result.status}: it has no image.`,
        );
      }
      // The server names its own origin as the caller reached it; this client may reach it by
      // another (a proxy, a private address): the path is the server's either way.
      const { pathname, search } = new URL(result.image, "http://server.invalid");
      const response = await call(() =>
        baseFetch(`${baseUrl}${pathname}${search}`, {
          headers: authorization,
          signal: callOptions?.signal,
        }),
      );
      return captureOf(response);
    },
    health: (callOptions) => call(() => trpc.health.query(undefined, callOptions)),
    watch: {
      create: (input, callOptions) => call(() => trpc.watch.create.mutate(input, callOptions)),
      list: (callOptions) => call(() => trpc.watch.list.query(undefined, callOptions)),
      delete: (input, callOptions) => call(() => trpc.watch.delete.mutate(input, callOptions)),
    },
  };
}
