/**
 * @module The render lock shared by every instance: one render per cache key at a time, held
 * while it renders, waited for by the others.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { LockStore } from "./store-ports";

/** Taken (with the token that lets it go), held by another, or not to be had from the store. */
export type LockAttempt = { token: string } | { held: true } | { unavailable: true };

export interface RenderLocks {
  /** Tries once to take the lock of `key`. */
  attempt(key: string): Promise<LockAttempt>;
  /**
   * Waits until another holder lets go (its render ended, or it died and the lock expired), then
   * takes the lock. Undefined when the store cannot lock or the wait runs out.
   */
  awaitRelease(key: string): Promise<string | undefined>;
  /** Keeps the lock while its holder renders; the returned function lets go of it. */
  hold(key: string, token: string): () => void;
}

export interface RenderLockOptions {
  store: LockStore;
  now: () => number;
  /** How long a lock lasts unless renewed, which its holder does every third of this. */
  ttlMs: number;
  /** Longest wait for another instance's render. */
  waitMs: number;
  /** How often a waiter tries the lock. */
  pollMs: number;
  /** Told about store failures (a failed lock only costs a render). */
  onStoreError: (error: unknown, operation: string) => void;
  /** Given the release, which nobody awaits, so the host can wait for it (`idle()`). */
  track: (work: Promise<unknown>) => void;
}

const lockName = (key: string) => `render:${key}`;

export function createRenderLocks(options: RenderLockOptions): RenderLocks {
  const { store, ttlMs, onStoreError } = options;

  async function attempt(key: string): Promise<LockAttempt> {
    try {
      const token = await store.acquireLock(lockName(key), ttlMs);
      return token ? { token } : { held: true };
    } catch (error) {
      onStoreError(error, "lock");
      return { unavailable: true };
    }
  }

  /** Only the lock is polled: reading the entry each time would download an image per poll. */
  async function awaitRelease(key: string): Promise<string | undefined> {
    const deadline = options.now() + options.waitMs;
    while (options.now() < deadline) {
      await sleep(options.pollMs);
      const lock = await attempt(key);
      if ("token" in lock) return lock.token;
      if ("unavailable" in lock) return undefined;
    }
    return undefined;
  }

  function hold(key: string, token: string): () => void {
    const renewal = setInterval(() => {
      store
        .renewLock(lockName(key), token, ttlMs)
        .catch((error) => onStoreError(error, "renew lock"));
    }, ttlMs / 3);
    renewal.unref?.();
    return () => {
      clearInterval(renewal);
      options.track(
        store.releaseLock(lockName(key), token).catch((error) => onStoreError(error, "unlock")),
      );
    };
  }

  return { attempt, awaitRelease, hold };
}
