/**
 * @module The cache store both Redis stores share (Redis over TCP, Upstash over REST), each with
 * its own driver. Each concern lives in its own module under `redis-like/`, over its own keys
 * (`redis-like/layout.ts`) and Lua scripts (`lua/<concern>/`); this module puts them together.
 */
import type { CacheStore } from "@shotcache/core";
import { createRedisBatches } from "./redis-like/batches";
import type { RedisDriver } from "./redis-like/driver";
import { createRedisEntries } from "./redis-like/entries";
import { redisKeys } from "./redis-like/layout";
import { createRedisLocks } from "./redis-like/locks";
import { createRedisPublicUrls } from "./redis-like/public-urls";
import { createRedisRenderHistory, readUrlHistory } from "./redis-like/render-history";
import { createRedisStats } from "./redis-like/stats";
import { createStorageAccounting } from "./redis-like/storage-accounting";
import { createRedisVersions } from "./redis-like/versions";
import { createRedisWatches } from "./redis-like/watches";

export interface RedisLikeOptions {
  /** Prepended to every key, so several deployments can share one database. @default "shotcache:" */
  prefix?: string;
  /** Largest image stored; larger ones are refused. */
  maxEntryBytes: number;
  /** Bytes of recently read entries kept in this process (0: none). @default 64 MiB */
  localCacheMaxBytes?: number;
}

export function createRedisLikeStore(driver: RedisDriver, options: RedisLikeOptions): CacheStore {
  const keys = redisKeys(options.prefix ?? "shotcache:");
  const storage = createStorageAccounting(driver, keys.storage);
  const versionStorage = createStorageAccounting(driver, keys.versionStorage);
  return {
    kind: driver.kind,
    ...createRedisEntries(driver, keys.entries, storage, options),
    ...createRedisLocks(driver, keys.locks),
    ...createRedisPublicUrls(driver, keys.publicUrls),
    ...createRedisRenderHistory(driver, keys.renderHistory),
    ...createRedisWatches(driver, keys.watches),
    ...createRedisBatches(driver, keys.batches),
    ...createRedisStats(driver, keys.stats, {
      // Entries, and the bytes of their images and of versions' images.
      storage: {
        async read(now) {
          const [held, versions] = await Promise.all([storage.read(now), versionStorage.read(now)]);
          return { entries: held.entries, bytes: held.bytes + versions.bytes };
        },
      },
      urlHistory: (urlKey) => readUrlHistory(driver, keys.renderHistory, urlKey),
    }),
    ...createRedisVersions(driver, keys.versions, versionStorage, options),
    close: () => driver.close(),
  };
}
