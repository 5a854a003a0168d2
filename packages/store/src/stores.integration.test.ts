import {
  availableOrSkip,
  findRedisServer,
  type RedisBackends,
  type RedisServer,
  scanKeys,
  startRedisBackends,
  type UpstashBridge,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe } from "vitest";
import { createMemoryStore } from "./memory-store";
import { redisKeys } from "./redis-layout";
import { createRedisStore } from "./redis-store";
import { itBehavesAsACacheStore, type StoreUnderTest } from "./store-conformance";
import { createUpstashStore } from "./upstash-store";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

describe("memory store", () => {
  itBehavesAsACacheStore(async (options) => ({ store: createMemoryStore(options) }));
});

/** Runs the suite against a store kind backed by a private redis-server. */
function describeRedisBacked(
  name: string,
  create: (
    server: RedisServer,
    bridge: UpstashBridge,
    prefix: string,
    maxEntryBytes?: number,
  ) => StoreUnderTest["store"],
) {
  describe.skipIf(!redisAvailable)(name, () => {
    let backends: RedisBackends;
    let stores = 0;
    beforeAll(async () => {
      backends = await startRedisBackends();
    });
    afterAll(() => backends?.close());

    itBehavesAsACacheStore(async ({ maxEntryBytes }) => {
      const prefix = `test${++stores}:`;
      const keys = redisKeys(prefix);
      return {
        store: create(backends.server, backends.bridge, prefix, maxEntryBytes),
        keys: () => scanKeys(backends.server, `${prefix}*`),
        ttl: async (key) => Number((await backends.raw.send([["ttl", key]]))[0]),
        corrupt: async (key, urlKey) => {
          await backends.raw.send([
            ["set", keys.entry(key, urlKey), Buffer.from([0, 0, 0, 200, 1, 2])],
          ]);
        },
      };
    });
  });
}

describeRedisBacked("redis store", (server, _bridge, prefix, maxEntryBytes) =>
  createRedisStore({ url: server.url, prefix, maxEntryBytes }),
);

describeRedisBacked("upstash store", (_server, bridge, prefix, maxEntryBytes) =>
  createUpstashStore({ url: bridge.url, token: bridge.token, prefix, maxEntryBytes }),
);
