import type { WatchStore } from "@shotcache/core";
import { listOf, type RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";

/** Splits a script's flat reply into records of `size` fields. */
function recordsOf(reply: unknown, size: number): string[][] {
  const flat = listOf(reply).map(String);
  return Array.from({ length: flat.length / size }, (_, i) =>
    flat.slice(size * i, size * i + size),
  );
}

/**
 * Watches as hashes by id (definition, interval, last ETag) and a schedule of their next runs,
 * which the scripts keep in step.
 */
export function createRedisWatches(driver: RedisDriver, keys: RedisKeys["watches"]): WatchStore {
  return {
    async saveWatch(id, definition, everySeconds, firstRunAt) {
      await driver.runScript(
        "saveWatch",
        [keys.definitions, keys.intervals, keys.due],
        [id, definition, Math.round(everySeconds * 1000), Math.round(firstRunAt)],
      );
    },

    async listWatches() {
      const reply = await driver.runScript("readWatches", [keys.definitions, keys.due], []);
      return recordsOf(reply, 3).map(([id = "", definition = "", nextRunAt]) => ({
        id,
        definition,
        nextRunAt: Number(nextRunAt),
      }));
    },

    async deleteWatch(id) {
      const existed = await driver.runScript(
        "deleteWatch",
        [keys.definitions, keys.intervals, keys.etags, keys.due],
        [id],
      );
      return Number(existed) === 1;
    },

    async claimDueWatches(now, limit) {
      const reply = await driver.runScript(
        "claimDueWatches",
        [keys.definitions, keys.intervals, keys.due],
        [Math.round(now), limit],
      );
      return recordsOf(reply, 2).map(([id = "", definition = ""]) => ({ id, definition }));
    },

    async swapWatchEtag(id, etag) {
      const previous = await driver.runScript(
        "swapWatchEtag",
        [keys.definitions, keys.etags],
        [id, etag],
      );
      return typeof previous === "string" ? previous : undefined;
    },
  };
}
