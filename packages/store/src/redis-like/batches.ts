import type { BatchStore } from "@shotcache/core";
import { listOf, pairsOf, type RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";

/** A batch's state hash as the store port gives it. */
function stateOf(reply: unknown): { cancelled: boolean; finishedAt?: number } {
  const { cancelled, "finished-at": finishedAt } = Object.fromEntries(pairsOf(reply));
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
      return { definition: json, results: Object.fromEntries(pairsOf(results)), ...stateOf(state) };
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
