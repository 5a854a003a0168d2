import type { CacheStore } from "./store-ports";

export interface StoreGuardOptions {
  /** A call that takes longer counts as failed. @default 1000 */
  timeoutMs?: number;
  /** The same for writing an entry, which can carry megabytes. @default 10000 */
  writeTimeoutMs?: number;
  /** Consecutive failures that open the circuit. @default 5 */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before one probe is let through. @default 10000 */
  openMs?: number;
  now?: () => number;
}

export class StoreUnavailableError extends Error {
  override readonly name: string = "StoreUnavailableError";
}

/** Refused without calling the store: it failed recently and is being left alone. */
export class CircuitOpenError extends StoreUnavailableError {
  override readonly name = "CircuitOpenError";
}

type Circuit = "closed" | "open" | "probing";

/**
 * Wraps a store so that a failing or slow one costs little: every call has a deadline, and after
 * `failureThreshold` failures in a row the circuit opens and calls fail at once for `openMs`,
 * then a single probe decides whether to close it again. The caller turns failures into BYPASS.
 */
export function guardStore(store: CacheStore, options: StoreGuardOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 1000;
  const writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
  const failureThreshold = options.failureThreshold ?? 5;
  const openMs = options.openMs ?? 10_000;
  const now = options.now ?? Date.now;
  let circuit: Circuit = "closed";
  let failures = 0;
  let openedAt = 0;

  function admit(): void {
    if (circuit === "closed") return;
    if (circuit === "open" && now() - openedAt >= openMs) {
      circuit = "probing";
      return;
    }
    throw new CircuitOpenError(`the ${store.kind} store is unavailable (circuit open)`);
  }

  function settle(ok: boolean): void {
    if (ok) {
      circuit = "closed";
      failures = 0;
    } else if (circuit === "probing" || ++failures >= failureThreshold) {
      circuit = "open";
      openedAt = now();
    }
  }

  /** The operation, failing once `deadlineMs` pass; an in-process store is not timed (a hit's cost). */
  function withDeadline<T>(operation: () => Promise<T>, deadlineMs: number): Promise<T> {
    if (store.inProcess) return operation();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`the ${store.kind} store did not answer in time`)),
        deadlineMs,
      );
    });
    return Promise.race([operation(), deadline]).finally(() => clearTimeout(timer));
  }

  async function call<T>(operation: () => Promise<T>, deadlineMs = timeoutMs): Promise<T> {
    admit();
    try {
      const result = await withDeadline(operation, deadlineMs);
      settle(true);
      return result;
    } catch (error) {
      settle(false);
      throw error;
    }
  }

  const guarded: CacheStore & { circuit(): Circuit } = {
    kind: store.kind,
    inProcess: store.inProcess,
    get: (key, urlKey, read) => call(() => store.get(key, urlKey, read)),
    set: (key, urlKey, shot, keep) =>
      call(() => store.set(key, urlKey, shot, keep), writeTimeoutMs),
    noteEntryChange: (key, urlKey, change) =>
      call(() => store.noteEntryChange(key, urlKey, change)),
    delete: (key, urlKey, at) => call(() => store.delete(key, urlKey, at)),
    purgeUrl: (urlKey, at) => call(() => store.purgeUrl(urlKey, at)),
    inspect: (urlKey) => call(() => store.inspect(urlKey)),
    acquireLock: (name, ttlMs) => call(() => store.acquireLock(name, ttlMs)),
    releaseLock: (name, token) => call(() => store.releaseLock(name, token)),
    renewLock: (name, token, ttlMs) => call(() => store.renewLock(name, token, ttlMs)),
    rememberPublicUrl: (key, urlKey, url, keep) =>
      call(() => store.rememberPublicUrl(key, urlKey, url, keep)),
    takePublicUrls: (urlKey, key) => call(() => store.takePublicUrls(urlKey, key)),
    noteRender: (key, urlKey, render) => call(() => store.noteRender(key, urlKey, render)),
    reviseRender: (key, urlKey, at) => call(() => store.reviseRender(key, urlKey, at)),
    saveWatch: (id, definition, every, firstRunAt) =>
      call(() => store.saveWatch(id, definition, every, firstRunAt)),
    listWatches: () => call(() => store.listWatches()),
    deleteWatch: (id) => call(() => store.deleteWatch(id)),
    claimDueWatches: (at, limit) => call(() => store.claimDueWatches(at, limit)),
    swapWatchEtag: (id, etag) => call(() => store.swapWatchEtag(id, etag)),
    saveBatch: (id, definition, createdAt, keep) =>
      call(() => store.saveBatch(id, definition, createdAt, keep)),
    readBatch: (id) => call(() => store.readBatch(id)),
    readBatchState: (id) => call(() => store.readBatchState(id)),
    noteBatchResult: (id, index, result) => call(() => store.noteBatchResult(id, index, result)),
    cancelBatch: (id) => call(() => store.cancelBatch(id)),
    finishBatch: (id, at) => call(() => store.finishBatch(id, at)),
    runningBatches: () => call(() => store.runningBatches()),
    recordStats: (deltas) => call(() => store.recordStats(deltas)),
    readStats: (query) => call(() => store.readStats(query)),
    addVersion: (key, urlKey, version, keep) =>
      call(() => store.addVersion(key, urlKey, version, keep), writeTimeoutMs),
    listVersions: (key, urlKey) => call(() => store.listVersions(key, urlKey)),
    readVersionImage: (key, urlKey, etag) => call(() => store.readVersionImage(key, urlKey, etag)),
    noteChangeRatio: (key, urlKey, version) =>
      call(() => store.noteChangeRatio(key, urlKey, version)),
    close: () => store.close(),
    circuit: () => circuit,
  };
  return guarded;
}
