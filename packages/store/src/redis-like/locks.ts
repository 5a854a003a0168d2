import { randomUUID } from "node:crypto";
import type { LockStore } from "@shotcache/core";
import type { RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";

/**
 * Locks as keys that expire, holding a random token: only the holder's token releases or renews
 * one, so a holder that outlived its lock cannot take it from the next.
 */
export function createRedisLocks(driver: RedisDriver, keys: RedisKeys["locks"]): LockStore {
  return {
    async acquireLock(name, ttlMs) {
      const token = randomUUID();
      return (await driver.setIfAbsent(keys.lock(name), token, Math.ceil(ttlMs)))
        ? token
        : undefined;
    },

    async renewLock(name, token, ttlMs) {
      const renewed = await driver.runScript(
        "renewLock",
        [keys.lock(name)],
        [token, Math.ceil(ttlMs)],
      );
      return Number(renewed) === 1;
    },

    async releaseLock(name, token) {
      await driver.runScript("releaseLock", [keys.lock(name)], [token]);
    },
  };
}
