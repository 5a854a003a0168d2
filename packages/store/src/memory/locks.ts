import { randomUUID } from "node:crypto";
import type { LockStore } from "@shotcache/core";

/** This process's locks: enough where this process is the only instance. */
export function createMemoryLocks(now: () => number): LockStore & { clear(): void } {
  const locks = new Map<string, { token: string; expiresAt: number }>();

  // Locks nobody releases (one-time claims such as webhook deliveries) would pile up: expired ones
  // are dropped, in one pass at most once a minute so an acquire stays O(1) on average.
  let nextLockSweepAt = 0;
  function sweepExpiredLocks(): void {
    const at = now();
    if (at < nextLockSweepAt) return;
    nextLockSweepAt = at + 60_000;
    for (const [name, lock] of locks) if (lock.expiresAt <= at) locks.delete(name);
  }

  return {
    async acquireLock(name, ttlMs) {
      sweepExpiredLocks();
      const held = locks.get(name);
      if (held && held.expiresAt > now()) return undefined;
      const token = randomUUID();
      locks.set(name, { token, expiresAt: now() + ttlMs });
      return token;
    },

    async releaseLock(name, token) {
      if (locks.get(name)?.token === token) locks.delete(name);
    },

    async renewLock(name, token, ttlMs) {
      const held = locks.get(name);
      if (held?.token !== token || held.expiresAt <= now()) return false;
      held.expiresAt = now() + ttlMs;
      return true;
    },

    clear: () => locks.clear(),
  };
}
