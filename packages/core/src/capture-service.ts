import { setTimeout as sleep } from "node:timers/promises";
import { LRUCache } from "lru-cache";
import {
  type CacheKey,
  cacheKeyFor,
  keyPrefixOf,
  surrogateKeysOf,
  urlKeyFor,
  urlTagOf,
} from "./cache-key";
import {
  type BypassReason,
  type CachePolicy,
  type CachingDecision,
  DEFAULT_CACHE_POLICY,
  decideCaching,
  type TtlSource,
} from "./cache-policy";
import { type CdnPurgeOptions, type CdnPurgeReport, createCdnPurge } from "./cdn-purge";
import { adaptiveTtlSeconds, changeFactsOf, intervalsOf, type RenderNote } from "./change-history";
import { CaptureError } from "./errors";
import { etagFor } from "./etag";
import { CircuitOpenError, guardStore, type StoreGuardOptions } from "./guarded-store";
import type { CaptureOptions } from "./options";
import type {
  CacheCounter,
  CacheStore,
  CdnPurger,
  CounterValues,
  Renderer,
  SetOutcome,
  StoredShot,
  StoredVariant,
} from "./ports";
import { type CACHE_STATUSES, createStatsBuffer, type StatsEvent } from "./stats";
import { type CacheStats, deriveStats } from "./stats-report";
import { shouldRefreshEarly } from "./xfetch";

/** How a capture was answered. */
export type CacheStatus = (typeof CACHE_STATUSES)[number];

/** Why a capture was answered as it was, when the status alone does not say. */
export type CacheReason = BypassReason | "stale-while-revalidate" | "stale-if-error";

export interface CaptureResult {
  bytes: Uint8Array;
  contentType: string;
  etag: string;
  cacheKey: string;
  status: CacheStatus;
  reason: CacheReason | undefined;
  /** When the image was rendered (epoch ms). */
  capturedAt: number;
  /** Whole seconds since the render. */
  ageSeconds: number;
  /** Whole seconds the image stays fresh; 0 when it was not stored, or is stale. */
  ttlSeconds: number;
  /** Where the TTL came from; undefined when the image was not stored. */
  ttlSource: TtlSource | undefined;
  /** Whether the image differs from the variant's previous render; undefined with none before. */
  changed: boolean | undefined;
  /** When the content last changed (epoch ms): an unchanged re-render keeps the earlier time. */
  changedAt: number;
  /** How long the render took, in ms. */
  renderMs: number;
}

export interface CaptureServiceOptions {
  store: CacheStore;
  renderer: Renderer;
  policy?: CachePolicy;
  /** Clock in epoch ms. */
  now?: () => number;
  /** Uniform random numbers in [0, 1) for XFetch; tests pass a seeded one. */
  random?: () => number;
  /** XFetch β: above 1 refreshes earlier, below 1 later. @default 1 */
  xfetchBeta?: number;
  /**
   * How long a render lock lasts unless its holder renews it, which it does every third of this
   * while it renders: how soon the lock of a holder that died (or of an attempt whose answer was
   * lost) is free again. @default 15000
   */
  lockTtlMs?: number;
  /** Longest wait for another instance's render: longer than the longest render. @default 70000 */
  lockWaitMs?: number;
  /** How often a request waiting for another instance's render looks for its result. @default 100 */
  lockPollMs?: number;
  /** Deadlines and circuit breaking for store calls. */
  storeGuard?: StoreGuardOptions;
  /** Told about store failures, which never fail a capture. */
  onStoreError?: (error: unknown, operation: string) => void;
  /** Told about failed background renders; the entry they would have replaced stays. */
  onBackgroundError?: (error: unknown) => void;
  /** Told about every capture answered (for process metrics), with how long it took. */
  onCaptured?: (result: CaptureResult, durationMs: number) => void;
  /** How long statistics are added up in memory before one write to the store. @default 1000 */
  statsFlushMs?: number;
  /** CDNs in front of public images: every purge reaches them too. */
  cdnPurgers?: readonly CdnPurger[];
  /** Deadline, attempts and back-off of CDN purges. */
  cdnPurge?: Omit<CdnPurgeOptions, "onFailure">;
  /** Told about every CDN purge attempt that failed (it is retried a few times). */
  onCdnPurgeFailure?: (cdn: string, error: unknown, attempt: number) => void;
}

/** A cached variant as `cache.inspect` reports it. */
export interface VariantReport {
  key: string;
  contentType: string;
  etag: string;
  /** ISO time of the render. */
  capturedAt: string;
  ageSeconds: number;
  /** Seconds of freshness left; 0 once stale (it may still be served in a stale window). */
  ttlSeconds: number;
  size: number;
}

export interface PurgeRequest {
  url: string;
  /** Purge only the variant these options select; without them, every variant of the URL. */
  options?: CaptureOptions;
}

/** What a purge did: entries removed at the origin, and what each CDN said. */
export interface PurgeOutcome {
  purged: number;
  cdn: CdnPurgeReport[];
}

export interface CaptureService {
  /** One capture; `apiKeyId`, the id of the API key it was made with, counts it in that key's usage. */
  capture(options: CaptureOptions, apiKeyId?: string): Promise<CaptureResult>;
  /**
   * Drops cached entries here and at the CDNs; resolves to how many entries were removed and what
   * each CDN said. `requestedAt` (epoch ms), when the purge was asked for earlier than now (a
   * webhook), makes the recorded lag include the wait.
   */
  purge(request: PurgeRequest, requestedAt?: number): Promise<PurgeOutcome>;
  /**
   * Notes that `result` was answered at the public URL `url`, which a CDN may keep, so that a
   * purge can name it to CDNs that purge by exact URL. Never waits for the store.
   */
  notePublicAnswer(options: CaptureOptions, result: CaptureResult, url: string): void;
  /** Shared statistics, with `hours` of hourly buckets (at most 7 days). @default 24 */
  stats(hours?: number): Promise<CacheStats>;
  /** The cached variants of `url`, with their age, remaining freshness and size. */
  inspect(url: string): Promise<VariantReport[]>;
  /** The store's circuit: `closed` when it answers, `open` while it is left alone after failures. */
  storeCircuit(): "closed" | "open" | "probing";
  /**
   * Settles once the work this process started beside its answers is done: background renders,
   * store writes nobody waited for, CDN purge retries and repeats, and statistics written. A
   * serverless host runs it through `after()`, so the instance may be frozen once it settles.
   */
  idle(): Promise<void>;
  /**
   * True the first time `name` is claimed within `ttlMs`, in any instance sharing the store (a
   * webhook delivery, say); false after. Fails when the store cannot say.
   */
  claimOnce(name: string, ttlMs: number): Promise<boolean>;
  /** Adds to the shared counters, for work done beside captures (watch deliveries). */
  count(counters: Partial<CounterValues>): void;
}

/** Outcomes in which the capture itself was rendered (a coalesced one waited for another's). */
const RENDERED: ReadonlySet<CacheCounter> = new Set(["misses", "refreshes", "bypasses"]);

/** One capture as the service works on it. */
interface Job {
  id: CacheKey;
  /** The options with the URL as keyed: what is rendered. */
  target: CaptureOptions;
  caching: Extract<CachingDecision, { cacheable: true }>;
  /** A render by another instance answers this job if it was captured after this time. */
  newerThan: number;
}

/** A capture's answer and the outcome counter it adds to. */
interface Answered {
  result: CaptureResult;
  outcome: CacheCounter;
}

type LockAttempt = { token: string } | { held: true } | { unavailable: true };

const secondsBetween = (from: number, to: number) => Math.max(0, Math.floor((to - from) / 1000));

/** How a request that joined another's render counts: it waited, unless nothing was cached. */
const asJoiner = ({ result }: Answered): Answered => ({
  result,
  outcome: result.status === "BYPASS" ? "bypasses" : "coalesced",
});
const renderLock = (key: string) => `render:${key}`;

export function createCaptureService(options: CaptureServiceOptions): CaptureService {
  const { renderer } = options;
  const policy = options.policy ?? DEFAULT_CACHE_POLICY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const beta = options.xfetchBeta ?? 1;
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const lockWaitMs = options.lockWaitMs ?? 70_000;
  const lockPollMs = options.lockPollMs ?? 100;
  /** Calls a host callback; one that throws must not become an unhandled rejection. */
  const tell = <A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A) => {
    try {
      callback?.(...args);
    } catch {
      // the host's logging failed; nothing sensible is left to do with it
    }
  };
  const store = guardStore(options.store, { now, ...options.storeGuard });
  /** Foreground renders under way in this process, by cache key. */
  const inFlight = new Map<string, Promise<Answered>>();
  /** Background renders under way in this process, by cache key. */
  const background = new Map<string, Promise<void>>();
  /**
   * Store writes nobody waits for (a public URL noted, a render lock let go), kept so that
   * `idle()` covers them: on a serverless host the instance may be frozen, or never woken, once
   * its answer and its `after()` work are done.
   */
  const unawaited = new Set<Promise<unknown>>();
  function track(work: Promise<unknown>): void {
    const settled = work.finally(() => unawaited.delete(settled));
    unawaited.add(settled);
  }

  // Statistics must never slow down or fail a capture: they are added up here and written in
  // one store call per `statsFlushMs`, and before this process reads them.
  const statsBuffer = createStatsBuffer();
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  function flushStats(): Promise<void> {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const deltas = statsBuffer.take();
    if (deltas.length === 0) return flushing;
    flushing = flushing
      .then(() => store.recordStats(deltas))
      .catch((error) => {
        if (!(error instanceof CircuitOpenError)) tell(options.onStoreError, error, "stats");
      });
    return flushing;
  }

  function record(event: Omit<StatsEvent, "at">): void {
    statsBuffer.add({ at: now(), ...event });
    if (!flushTimer) {
      flushTimer = setTimeout(flushStats, options.statsFlushMs ?? 1_000);
      flushTimer.unref(); // pending statistics never keep the process alive
    }
  }

  const cdnPurge = createCdnPurge(options.cdnPurgers ?? [], {
    ...options.cdnPurge,
    onFailure: (cdn, error, attempt) => {
      record({ counters: { cdnPurgeFailures: 1 } });
      tell(options.onCdnPurgeFailure, cdn, error, attempt);
    },
  });

  function storeError(error: unknown, operation: string): void {
    // While the circuit is open every call fails at once: one report per real failure is enough.
    if (error instanceof CircuitOpenError) return;
    tell(options.onStoreError, error, operation);
    record({ counters: { storeErrors: 1 } });
  }

  function answer(
    shot: StoredShot,
    key: string,
    status: CacheStatus,
    reason?: CacheReason,
  ): CaptureResult {
    const at = now();
    const stored = status !== "BYPASS" && status !== "STALE";
    return {
      bytes: shot.bytes,
      contentType: shot.contentType,
      etag: shot.etag,
      cacheKey: key,
      status,
      reason,
      capturedAt: shot.capturedAt,
      ageSeconds: secondsBetween(shot.capturedAt, at),
      ttlSeconds: stored ? Math.max(0, Math.ceil((shot.expiresAt - at) / 1000)) : 0,
      ttlSource: stored ? shot.ttlSource : undefined,
      changed: shot.changed,
      changedAt: shot.changedAt,
      renderMs: shot.renderMs,
    };
  }

  /** A render, as an entry that is not fresh at all (see `renderAndStore` for stored ones). */
  async function render(target: CaptureOptions) {
    const started = now();
    let image: Awaited<ReturnType<Renderer["render"]>>;
    try {
      image = await renderer.render(target);
    } catch (error) {
      record({ counters: { renderErrors: 1 } });
      throw error;
    }
    const capturedAt = now();
    const shot: StoredShot = {
      bytes: image.bytes,
      contentType: image.contentType,
      etag: etagFor(image.bytes),
      capturedAt,
      changedAt: capturedAt,
      expiresAt: capturedAt,
      renderMs: capturedAt - started,
    };
    return { shot, blank: image.blank === true };
  }

  /**
   * The TTL of a render: the caller's or a rule's; else, when the adaptive TTL is on and the
   * page has a history of renders (the variant's own, or else its URL's), one that follows its
   * changes; else the default.
   */
  function ttlOf(caching: Job["caching"], note: RenderNote | undefined) {
    const decided = { ttlSeconds: caching.ttlSeconds, ttlSource: caching.ttlSource as TtlSource };
    if (caching.ttlSource !== "default" || !policy.adaptiveTtl || !note) return decided;
    const ownIntervals = intervalsOf(note.variant);
    const intervals = ownIntervals.length > 0 ? ownIntervals : note.urlIntervals;
    if (intervals.length === 0) return decided;
    const adaptive = adaptiveTtlSeconds(intervals, {
      defaultTtlSeconds: caching.ttlSeconds,
      ...policy.adaptiveTtl,
    });
    return { ttlSeconds: Math.min(adaptive, policy.maxTtlSeconds), ttlSource: "adaptive" as const };
  }

  /**
   * Renders, notes the render in the page's history (which says whether the image changed and
   * may set the TTL) and stores; the entry is kept past its freshness for the stale windows.
   */
  async function renderAndStore(job: Job, status: "MISS" | "REFRESH"): Promise<CaptureResult> {
    const { key, urlKey } = job.id;
    const { shot: rendered, blank } = await render(job.target);
    if (blank) return answer(rendered, key, "BYPASS", "blank-render");
    let note: RenderNote | undefined;
    try {
      const { etag, capturedAt: at } = rendered;
      note = await store.noteRender(key, urlKey, { url: job.target.url, etag, at });
    } catch (error) {
      storeError(error, "history"); // the image is answered all the same, without change facts
    }
    const { changed, changedAt } = note ? changeFactsOf(note.variant) : {};
    const { ttlSeconds, ttlSource } = ttlOf(job.caching, note);
    const shot: StoredShot = {
      ...rendered,
      changed,
      changedAt: changedAt ?? rendered.capturedAt,
      expiresAt: rendered.capturedAt + ttlSeconds * 1000,
      ttlSource,
    };
    let outcome: SetOutcome;
    try {
      const keepSeconds = ttlSeconds + job.caching.staleSeconds;
      outcome = await store.set(key, urlKey, shot, keepSeconds);
    } catch (error) {
      storeError(error, "set");
      return answer(shot, key, "BYPASS", "store-unavailable");
    }
    if (outcome === "too-large") return answer(shot, key, "BYPASS", "too-large");
    if (outcome === "superseded") return answer(shot, key, "BYPASS", "purged-during-render");
    return answer(shot, key, status);
  }

  async function tryLock(key: string): Promise<LockAttempt> {
    try {
      const token = await store.acquireLock(renderLock(key), lockTtlMs);
      return token ? { token } : { held: true };
    } catch (error) {
      storeError(error, "lock");
      return { unavailable: true };
    }
  }

  /**
   * Keeps the lock of `key` while its holder renders, renewing it every third of its TTL, until
   * the returned function releases it.
   */
  function holdLock(key: string, token: string): () => void {
    const renewal = setInterval(() => {
      store
        .renewLock(renderLock(key), token, lockTtlMs)
        .catch((error) => storeError(error, "renew lock"));
    }, lockTtlMs / 3);
    renewal.unref?.();
    return () => {
      clearInterval(renewal);
      track(
        store.releaseLock(renderLock(key), token).catch((error) => storeError(error, "unlock")),
      );
    };
  }

  /** A fresh entry newer than the one the job started from, if the store has one. */
  async function newerEntry(job: Job): Promise<StoredShot | undefined> {
    const entry = await store.get(job.id.key, job.id.urlKey);
    return entry && entry.capturedAt > job.newerThan && entry.expiresAt > now() ? entry : undefined;
  }

  /**
   * Another instance holds the render lock: wait until it lets go (its render ended, or its
   * holder died and the lock expired), then hold it; the caller reads what that render stored.
   * Only the lock is polled: reading the entry each time would download an image per poll.
   * Undefined when the store cannot lock or the wait runs out: then render without the lock.
   */
  async function awaitLock(key: string): Promise<string | undefined> {
    const deadline = now() + lockWaitMs;
    while (now() < deadline) {
      await sleep(lockPollMs);
      const lock = await tryLock(key);
      if ("token" in lock) return lock.token;
      if ("unavailable" in lock) return undefined;
    }
    return undefined;
  }

  /** A foreground render shared by every request for the key, here and in other instances. */
  function renderShared(job: Job, status: "MISS" | "REFRESH"): Promise<Answered> {
    const joined = inFlight.get(job.id.key);
    if (joined) return joined.then(asJoiner);
    const work = (async (): Promise<Answered> => {
      // A store that cannot lock cannot share results either: then render here.
      const lock = await tryLock(job.id.key);
      const token =
        "token" in lock ? lock.token : "held" in lock ? await awaitLock(job.id.key) : undefined;
      const release = token ? holdLock(job.id.key, token) : undefined;
      try {
        // A render by another instance may have ended just before we took the lock (or while we
        // waited for it). A failed lookup only costs a render, but is a store failure all the same.
        const done = token
          ? await newerEntry(job).catch((error: unknown) => {
              storeError(error, "get");
              return undefined;
            })
          : undefined;
        if (done) return { result: answer(done, job.id.key, status), outcome: "coalesced" };
        const result = await renderAndStore(job, status);
        const stored = status === "MISS" ? "misses" : "refreshes";
        return { result, outcome: result.status === "BYPASS" ? "bypasses" : stored };
      } finally {
        release?.();
      }
    })().finally(() => {
      if (inFlight.get(job.id.key) === work) inFlight.delete(job.id.key);
    });
    inFlight.set(job.id.key, work);
    return work;
  }

  /** Replaces the entry without anyone waiting; at most one such render per key in all instances. */
  function refreshInBackground(job: Job, reason: "earlyRefreshes" | "revalidations"): void {
    const { key } = job.id;
    if (inFlight.has(key) || background.has(key)) return;
    const work = (async () => {
      const lock = await tryLock(key);
      if (!("token" in lock)) return; // another instance is rendering it, or the store is down
      const release = holdLock(key, lock.token);
      try {
        record({ counters: { [reason]: 1 } });
        await renderAndStore(job, "REFRESH");
      } finally {
        release();
      }
    })()
      .catch((error) => tell(options.onBackgroundError, error))
      .finally(() => {
        if (background.get(key) === work) background.delete(key);
      });
    background.set(key, work);
  }

  /**
   * What options decide before any I/O, kept by options object: the hit path is the same options
   * asked again and again (the REST parse cache hands back one frozen object per query), and
   * hashing, URL parsing and the TTL rules are most of a hit's work.
   */
  const prepared = new WeakMap<
    CaptureOptions,
    Pick<Job, "id" | "target"> & { caching: CachingDecision }
  >();
  function prepare(captureOptions: CaptureOptions) {
    let known = prepared.get(captureOptions);
    if (!known) {
      const id = cacheKeyFor(captureOptions);
      known = {
        id,
        target: { ...captureOptions, url: id.canonicalUrl },
        caching: decideCaching(captureOptions, id.canonicalUrl, policy),
      };
      prepared.set(captureOptions, known);
    }
    return known;
  }

  async function answerCapture(captureOptions: CaptureOptions): Promise<Answered> {
    const { id, target, caching } = prepare(captureOptions);
    if (!caching.cacheable) {
      const { shot } = await render(target);
      return { result: answer(shot, id.key, "BYPASS", caching.reason), outcome: "bypasses" };
    }
    if (captureOptions.refresh) {
      // Only a render that finishes after this request arrived answers it.
      return renderShared({ id, target, caching, newerThan: now() }, "REFRESH");
    }

    let cached: StoredShot | undefined;
    try {
      cached = await store.get(id.key, id.urlKey);
    } catch (error) {
      storeError(error, "get");
    }
    const job: Job = { id, target, caching, newerThan: cached?.capturedAt ?? -Infinity };
    const at = now();
    if (cached && at < cached.expiresAt) {
      const early = shouldRefreshEarly({
        now: at,
        expiresAt: cached.expiresAt,
        delta: cached.renderMs,
        beta,
        random,
      });
      if (early) refreshInBackground(job, "earlyRefreshes");
      return { result: answer(cached, id.key, "HIT"), outcome: "hits" };
    }
    if (cached && at < cached.expiresAt + captureOptions.staleWhileRevalidate * 1000) {
      refreshInBackground(job, "revalidations");
      const result = answer(cached, id.key, "STALE", "stale-while-revalidate");
      return { result, outcome: "stale" };
    }
    try {
      return await renderShared(job, "MISS");
    } catch (error) {
      if (cached && now() < cached.expiresAt + captureOptions.staleIfError * 1000) {
        return { result: answer(cached, id.key, "STALE", "stale-if-error"), outcome: "stale" };
      }
      throw error;
    }
  }

  async function capture(
    captureOptions: CaptureOptions,
    apiKeyId?: string,
  ): Promise<CaptureResult> {
    const started = now();
    const { id } = prepare(captureOptions);
    let answered: Answered;
    try {
      answered = await answerCapture(captureOptions);
    } catch (error) {
      record({ counters: { failures: 1 } });
      throw error;
    }
    const { result, outcome } = answered;
    const ms = now() - started;
    tell(options.onCaptured, result, ms);
    const fromCache = result.status === "HIT" || result.status === "STALE";
    record({
      counters: { [outcome]: 1 },
      latency: { status: result.status, ms },
      url: { urlKey: id.urlKey, url: id.canonicalUrl, fromCache },
      ...(fromCache ? { hitAgeSeconds: result.ageSeconds } : {}),
      ...(apiKeyId ? { apiKey: { id: apiKeyId, rendered: RENDERED.has(outcome) } } : {}),
    });
    return result;
  }

  /**
   * Renders of `urlKey` under way here stop taking new joiners: a purge made them outdated (the
   * store refuses their images). Background renders have no joiners; they end on their own.
   */
  function forgetRendersOf(urlKey: string): void {
    const prefix = keyPrefixOf(urlKey);
    for (const key of inFlight.keys()) if (key.startsWith(prefix)) inFlight.delete(key);
  }

  async function purge(request: PurgeRequest, requestedAt?: number): Promise<PurgeOutcome> {
    const started = requestedAt ?? now();
    const at = now();
    const { urlKey } = urlKeyFor(request.url);
    const key = request.options ? cacheKeyFor(request.options).key : undefined;
    let purged: number;
    try {
      forgetRendersOf(urlKey);
      purged = key
        ? (await store.delete(key, urlKey, at))
          ? 1
          : 0
        : await store.purgeUrl(urlKey, at);
    } catch (cause) {
      throw new CaptureError("STORE_UNAVAILABLE", "The cache store is unavailable.", { cause });
    }
    const tag = key ? surrogateKeysOf(key)[1] : urlTagOf(urlKey);
    // The origin purge is done: a failed lookup of the public URLs costs only the purges by URL.
    const urls = cdnPurge.byUrl
      ? await store.takePublicUrls(urlKey, key).catch((error: unknown) => {
          storeError(error, "public URLs");
          return [];
        })
      : [];
    // Only once the origin has dropped it: a CDN refetching sooner would keep the old image.
    const cdn = await cdnPurge.purge({ tags: [tag], urls });
    record({
      counters: { purges: 1 },
      purgeLagMs: now() - started,
      purge: { at, url: request.url, scope: request.options ? "variant" : "url", purged },
    });
    return { purged, cdn };
  }

  async function stats(hours = 24): Promise<CacheStats> {
    await flushStats();
    try {
      const snapshot = await store.readStats({ now: now(), hours });
      return deriveStats(snapshot, policy.ttlPolicy.defaultTtlSeconds);
    } catch (cause) {
      throw new CaptureError("STORE_UNAVAILABLE", "The cache store is unavailable.", { cause });
    }
  }

  /** Public answers already noted, by variant, render and URL: a hit notes nothing new. */
  const notedPublicAnswers = new LRUCache<string, true>({ max: 10_000 });

  function notePublicAnswer(options: CaptureOptions, result: CaptureResult, url: string): void {
    const { caching, id } = prepare(options);
    if (!cdnPurge.byUrl || !caching.cacheable || result.ttlSeconds <= 0) return;
    const noted = `${result.cacheKey} ${result.capturedAt} ${url}`;
    if (notedPublicAnswers.has(noted)) return;
    notedPublicAnswers.set(noted, true);
    const keepSeconds = result.ttlSeconds + caching.staleSeconds;
    track(
      store.rememberPublicUrl(id.key, id.urlKey, url, keepSeconds).catch((error) => {
        notedPublicAnswers.delete(noted); // noted again on the next answer
        storeError(error, "remember public URL");
      }),
    );
  }

  async function idle(): Promise<void> {
    // Each kind of work can start another (a background render lets go of its lock, a CDN
    // retry counts a failure): look again until none is left.
    while (background.size > 0 || unawaited.size > 0 || cdnPurge.pending() > 0) {
      await Promise.allSettled([...background.values(), ...unawaited, cdnPurge.idle()]);
    }
    await flushStats();
  }

  async function inspect(url: string): Promise<VariantReport[]> {
    let variants: StoredVariant[];
    try {
      variants = await store.inspect(urlKeyFor(url).urlKey);
    } catch (cause) {
      throw new CaptureError("STORE_UNAVAILABLE", "The cache store is unavailable.", { cause });
    }
    const at = now();
    return variants
      .map((variant) => ({
        key: variant.key,
        contentType: variant.contentType,
        etag: variant.etag,
        capturedAt: new Date(variant.capturedAt).toISOString(),
        ageSeconds: secondsBetween(variant.capturedAt, at),
        ttlSeconds: Math.max(0, Math.ceil((variant.expiresAt - at) / 1000)),
        size: variant.size,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async function claimOnce(name: string, ttlMs: number): Promise<boolean> {
    try {
      return (await store.acquireLock(`once:${name}`, ttlMs)) !== undefined;
    } catch (cause) {
      throw new CaptureError("STORE_UNAVAILABLE", "The cache store is unavailable.", { cause });
    }
  }

  return {
    capture,
    notePublicAnswer,
    purge,
    stats,
    idle,
    inspect,
    claimOnce,
    count: (counters) => record({ counters }),
    storeCircuit: () => store.circuit(),
  };
}
