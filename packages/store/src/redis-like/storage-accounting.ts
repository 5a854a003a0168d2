import type { RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";

/**
 * How many entries the store holds and their bytes, for the statistics. Redis cannot count them
 * by itself (it expires entries without telling anyone), so every write and removal is noted,
 * and entries past their time are pruned as the figures are touched.
 */
export interface StorageAccounting {
  /** Notes a stored entry; never fails (the store write it describes has succeeded). */
  added(entryKey: string, bytes: number, leavesAt: number, now: number): Promise<void>;
  /** Notes removed entries; never fails either. */
  removed(entryKeys: string[]): Promise<void>;
  /** The entries held at `now` (epoch ms) and their image bytes. */
  read(now: number): Promise<{ entries: number; bytes: number }>;
}

export function createStorageAccounting(
  driver: RedisDriver,
  keys: RedisKeys["storage"],
): StorageAccounting {
  const storageKeys = [keys.entries, keys.sizes];
  /** Storage accounting is statistics: it never fails the operation it describes. */
  const note = async (name: "storageAdd" | "storageRemove", args: (string | number)[]) => {
    await driver.runScript(name, storageKeys, args).catch(() => undefined);
  };
  return {
    added: (entryKey, bytes, leavesAt, now) => note("storageAdd", [entryKey, bytes, leavesAt, now]),
    removed: (entryKeys) => note("storageRemove", entryKeys),
    async read(now) {
      const [entries, bytes] = (await driver.runScript("storageRead", storageKeys, [now])) as [
        number,
        number,
      ];
      return { entries: Number(entries), bytes: Number(bytes) };
    },
  };
}
