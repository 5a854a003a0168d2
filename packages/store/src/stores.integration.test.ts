import {
  availableOrSkip,
  findRedisServer,
  type RedisBackends,
  type RedisCluster,
  type RedisServer,
  scanKeys,
  startRedisBackends,
  startRedisCluster,
  type UpstashBridge,
} from "@shotcache/testkit";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itBehavesAsACacheStore, type StoreUnderTest } from "../test/store-conformance";
import { createMemoryStore } from "./memory-store";
import { redisKeys } from "./redis-like/layout";
import { createRedisStore } from "./redis-store";
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
        drop: async (key) => {
          await backends.raw.send([["del", key]]);
        },
        corrupt: async (key, urlKey) => {
          await backends.raw.send([
            ["set", keys.entries.entry(key, urlKey), Buffer.from([0, 0, 0, 200, 1, 2])],
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

describe.skipIf(!redisAvailable)("redis store on a 3-master Redis Cluster", () => {
  let cluster: RedisCluster;
  /** For reading and writing the cluster directly, around the store under test. */
  let raw: Cluster;
  let stores = 0;
  const nodes = () => cluster.nodes.split(",");
  beforeAll(async () => {
    cluster = await startRedisCluster();
    raw = new Cluster(
      nodes().map((node) => ({ host: "127.0.0.1", port: Number(node.split(":")[1]) })),
    );
  });
  afterAll(async () => {
    await raw?.quit();
    await cluster?.stop();
  });

  itBehavesAsACacheStore(async ({ maxEntryBytes }) => {
    const prefix = `cluster${++stores}:`;
    const keys = redisKeys(prefix);
    return {
      store: createRedisStore({ clusterNodes: nodes(), prefix, maxEntryBytes }),
      keys: () => cluster.keys(`${prefix}*`),
      ttl: (key) => raw.ttl(key),
      drop: async (key) => {
        await raw.del(key);
      },
      corrupt: async (key, urlKey) => {
        await raw.set(keys.entries.entry(key, urlKey), Buffer.from([0, 0, 0, 200, 1, 2]));
      },
    };
  });

  it("spreads the entries of different URLs over the masters", async () => {
    const store = createRedisStore({ clusterNodes: nodes(), prefix: "spread:" });
    for (let i = 0; i < 30; i++) {
      const urlKey = `spread${i}`;
      const shot = { bytes: new Uint8Array([i]), contentType: "image/png", etag: `"${i}"` };
      const at = Date.now();
      await store.set(
        `v1:${urlKey}:a`,
        urlKey,
        { ...shot, capturedAt: at, changedAt: at, expiresAt: at + 60_000, renderMs: 1 },
        60,
      );
    }
    const perMaster = await cluster.keysPerMaster("spread:*");
    expect([...perMaster.values()].filter((count) => count > 0).length).toBeGreaterThanOrEqual(2);
    await store.close();
  });
});
