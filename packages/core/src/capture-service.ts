/**
 * @module The capture service: a capture answered from the cache, or rendered once across every
 * instance (the render lock), with stale windows, early refreshes in the background and the change
 * facts of each render; purges, statistics and inspection beside it.
 */
import { keyPrefixOf } from "./cache-key";
import { DEFAULT_CACHE_POLICY } from "./cache-policy";
import { createCachePurge } from "./cache-purge";
import { createCacheReports } from "./cache-reports";
import type { CacheStatus } from "./cache-status";
import {
  type CacheReason,
  type CaptureResult,
  judgeChange,
  resultOf,
  type ShotAnswer,
} from "./capture-result";
import type { CaptureHow, CaptureService, CaptureServiceOptions } from "./capture-service-types";
import { createCdnPurge } from "./cdn-purge";
import { createChangeTracking } from "./change-tracking";
import type { CacheCounter } from "./counters";
import { storeUnavailable } from "./errors";
import { CircuitOpenError, guardStore } from "./guarded-store";
import { notifyHost } from "./host-callback";
import type { CaptureOptions } from "./options";
import { createPendingWork } from "./pending-work";
import { createOptionsMemo } from "./prepared-options";
import { createRenderStore, type Job } from "./render-and-store";
import { createRenderLocks } from "./render-lock";
import { createStatsRecorder } from "./stats-recorder";
import type { StoredShot } from "./store-ports";
import { DEFAULT_HISTORY_VERSIONS } from "./versions";
import { shouldRefreshEarly } from "./xfetch";

/** Outcomes in which the capture itself was rendered (a coalesced one waited for another's). */
const RENDERED: ReadonlySet<CacheCounter> = new Set(["misses", "refreshes", "bypasses"]);

/** A capture's answer and the outcome counter it adds to. */
interface Answered {
  result: ShotAnswer;
  outcome: CacheCounter;
}

/** How a request that joined another's render counts: it waited, unless nothing was cached. */
const asJoiner = ({ result }: Answered): Answered => ({
  result,
  outcome: result.status === "BYPASS" ? "bypasses" : "coalesced",
});

export function createCaptureService(options: CaptureServiceOptions): CaptureService {
  const { renderer } = options;
  const policy = options.policy ?? DEFAULT_CACHE_POLICY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const beta = options.xfetchBeta ?? 1;
  const store = guardStore(options.store, { now, ...options.storeGuard });
  /** Foreground renders under way in this process, by cache key. */
  const inFlight = new Map<string, Promise<Answered>>();
  /** Background renders under way in this process, by cache key. */
  const background = new Map<string, Promise<void>>();
  /** Store writes nobody waits for (a public URL noted, a render lock let go): `idle()` does. */
  const unawaited = createPendingWork();
  const track = unawaited.track;

  const stats = createStatsRecorder({
    write: (deltas) => store.recordStats(deltas),
    now,
    flushMs: options.statsFlushMs ?? 1_000,
    onError: (error) => {
      if (!(error instanceof CircuitOpenError)) notifyHost(options.onStoreError, error, "stats");
    },
  });
  const { record } = stats;

  function storeError(error: unknown, operation: string): void {
    // While the circuit is open every call fails at once: one report per real failure is enough.
    if (error instanceof CircuitOpenError) return;
    notifyHost(options.onStoreError, error, operation);
    record({ counters: { storeErrors: 1 } });
  }

  const locks = createRenderLocks({
    store,
    now,
    ttlMs: options.lockTtlMs ?? 15_000,
    waitMs: options.lockWaitMs ?? 70_000,
    pollMs: options.lockPollMs ?? 100,
    onStoreError: storeError,
    track,
  });
  const cdnPurge = createCdnPurge(options.cdnPurgers ?? [], {
    ...options.cdnPurge,
    onFailure: (cdn, error, attempt) => {
      record({ counters: { cdnPurgeFailures: 1 } });
      notifyHost(options.onCdnPurgeFailure, cdn, error, attempt);
    },
  });
  const purges = createCachePurge({
    store,
    cdnPurge,
    now,
    record,
    onStoreError: storeError,
    forgetRendersOf,
    track,
  });

  const reports = createCacheReports({ store, now, policy, flushStats: stats.flush });
  const answer = (shot: StoredShot, key: string, status: CacheStatus, reason?: CacheReason) =>
    resultOf(shot, key, status, reason, now());

  const changes = createChangeTracking({
    store,
    meter: options.changeMeter,
    keep: options.historyVersions ?? DEFAULT_HISTORY_VERSIONS,
    track,
    onStoreError: storeError,
    onMeasureError: (error) => notifyHost(options.onBackgroundError, error),
  });
  const { render, renderAndStore } = createRenderStore({
    renderer,
    store,
    policy,
    now,
    record,
    onStoreError: storeError,
    afterStored: changes.afterStored,
  });

  /** A fresh entry newer than the one the job started from, if the store has one. */
  async function newerEntry(job: Job): Promise<StoredShot | undefined> {
    const entry = await store.get(job.id.key, job.id.urlKey);
    return entry && entry.capturedAt > job.newerThan && entry.expiresAt > now() ? entry : undefined;
  }

  /** A foreground render shared by every request for the key, here and in other instances. */
  function renderShared(job: Job, status: "MISS" | "REFRESH"): Promise<Answered> {
    const joined = inFlight.get(job.id.key);
    if (joined) return joined.then(asJoiner);
    const work = (async (): Promise<Answered> => {
      // A store that cannot lock cannot share results either: then render here. Another
      // instance holding it is waited for; the caller then reads what that render stored.
      const lock = await locks.attempt(job.id.key);
      const token =
        "token" in lock
          ? lock.token
          : "held" in lock
            ? await locks.awaitRelease(job.id.key)
            : undefined;
      const release = token ? locks.hold(job.id.key, token) : undefined;
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
      const lock = await locks.attempt(key);
      if (!("token" in lock)) return; // another instance is rendering it, or the store is down
      const release = locks.hold(key, lock.token);
      try {
        record({ counters: { [reason]: 1 } });
        await renderAndStore(job, "REFRESH");
      } finally {
        release();
      }
    })()
      .catch((error) => notifyHost(options.onBackgroundError, error))
      .finally(() => {
        if (background.get(key) === work) background.delete(key);
      });
    background.set(key, work);
  }

  const prepare = createOptionsMemo(policy);

  async function answerCapture(
    captureOptions: CaptureOptions,
    how: CaptureHow | undefined,
  ): Promise<Answered> {
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
      cached = await store.get(id.key, id.urlKey, how?.location ? "location" : "bytes");
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
    how?: CaptureHow,
  ): Promise<CaptureResult> {
    const started = now();
    const { id } = prepare(captureOptions);
    let answered: Answered;
    try {
      answered = await answerCapture(captureOptions, how);
    } catch (error) {
      record({ counters: { failures: 1 } });
      throw error;
    }
    const { outcome } = answered;
    // Told apart here, not before: callers who joined one render may mask differently.
    const result = judgeChange(answered.result, captureOptions);
    const ms = now() - started;
    notifyHost(options.onCaptured, result, ms);
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

  async function idle(): Promise<void> {
    // Each kind of work can start another (a background render lets go of its lock, a CDN
    // retry counts a failure): look again until none is left.
    while (background.size > 0 || unawaited.size() > 0 || cdnPurge.pending() > 0) {
      await Promise.allSettled([...background.values(), unawaited.settled(), cdnPurge.idle()]);
    }
    await stats.flush();
  }

  async function claimOnce(name: string, ttlMs: number): Promise<boolean> {
    try {
      return (await store.acquireLock(`once:${name}`, ttlMs)) !== undefined;
    } catch (cause) {
      throw storeUnavailable(cause);
    }
  }

  return {
    capture,
    notePublicAnswer(captureOptions, result, url) {
      const { id, caching } = prepare(captureOptions);
      purges.notePublicAnswer(id, caching, result, url);
    },
    purge: purges.purge,
    stats: reports.stats,
    idle,
    inspect: reports.inspect,
    claimOnce,
    count: (counters) => record({ counters }),
    storeCircuit: () => store.circuit(),
  };
}
