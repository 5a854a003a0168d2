import type { BatchStore } from "@shotcache/core";
import { listOf, type RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";

/** A flat `field, value, …` reply (or an object, as Upstash may give it) as a record. */
function recordOf(reply: unknown): Record<string, string> {
  if (reply && typeof reply === "object" && !Array.isArray(reply)) {
    return Object.fromEntries(
      Object.entries(reply).map(([field, value]) => [field, String(value)]),
    );
  }
  const flat = listOf(reply).map(String);
  return Object.fromEntries(
    Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]),
  );
}

/** A batch's state hash as the store port gives it. */
function stateOf(reply: unknown): { cancelled: boolean; finishedAt?: number } {
  const { cancelled, "finished-at": finishedAt } = recordOf(reply);
  return {
    cancelled: cancelled === "1",
    ...(finishedAt ? { finishedAt: Number(finishedAt) } : {}),
  };
}

/**
 * Batches as a definition, a hash of results and a hash of state each, expiring together, and a
 * sorted set of the running ones, which the scripts keep in step.
 */
export function createRedisBatches(driver: RedisDriver, keys: RedisKeys["batches"]): BatchStore {
  const definition = (id: string) => `${keys.definitionPrefix}${id}`;
  return {
    async saveBatch(id, json, createdAt, keepSeconds) {
      await driver.runScript(
        "saveBatch",
        [definition(id), keys.state(id), keys.running],
        [id, json, Math.round(createdAt), Math.round(keepSeconds)],
      );
    },

    async readBatch(id) {
      const reply = await driver.runScript(
        "readBatch",
        [definition(id), keys.results(id), keys.state(id)],
        [],
      );
      const [json, results, state] = listOf(reply);
      if (typeof json !== "string") return undefined;
      return { definition: json, results: recordOf(results), ...stateOf(state) };
    },

    async readBatchState(id) {
      const reply = await driver.runScript("readBatchState", [definition(id), keys.state(id)], []);
      return reply ? stateOf(reply) : undefined;
    },

    async noteBatchResult(id, index, result) {
      await driver.runScript(
        "noteBatchResult",
        [definition(id), keys.results(id)],
        [index, result],
      );
    },

    async cancelBatch(id) {
      return (
        Number(await driver.runScript("cancelBatch", [definition(id), keys.state(id)], [])) === 1
      );
    },

    async finishBatch(id, at) {
      const reply = await driver.runScript(
        "finishBatch",
        [keys.state(id), keys.running],
        [id, Math.round(at)],
      );
      return Number(reply) === 1;
    },

    async runningBatches() {
      // Batches are kept until an epoch-ms time, as their creation time is given.
      const reply = await driver.runScript("runningBatches", [keys.running], [Date.now()]);
      return listOf(reply).map(String);
    },
  };
}
