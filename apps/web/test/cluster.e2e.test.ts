import {
  availableOrSkip,
  clearOfWindowEdge,
  findRedisServer,
  type RedisCluster,
  startRedisCluster,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

// The production server on a 3-master Redis Cluster, configured as an operator would.

describe.skipIf(!browserAvailable || !redisAvailable)("the server on a Redis Cluster", () => {
  let cluster: RedisCluster;
  let env: AppUnderTest;
  const screenshot = (url: string) =>
    fetch(`${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`);

  beforeAll(async () => {
    cluster = await startRedisCluster();
    env = await startAppUnderTest({
      REDIS_CLUSTER_NODES: cluster.nodes,
      SHOTCACHE_RATE_LIMIT_PER_MINUTE: "3",
    });
  });
  afterAll(async () => {
    await env?.close();
    await cluster?.stop();
  });

  it("caches, coalesces, purges, limits and counts through the cluster", async () => {
    const health = await (await fetch(`${env.app.origin}/api/health`)).json();
    expect(health.store.kind).toBe("redis");
    const url = env.site.url("/stable?cluster=1");
    await clearOfWindowEdge();
    const first = await Promise.all([screenshot(url), screenshot(url)]);
    expect(first.map((response) => response.status)).toEqual([200, 200]);
    expect(env.site.requestCount("/stable")).toBe(1);
    expect((await screenshot(url)).headers.get("x-cache")).toBe("HIT");

    const purge = await fetch(`${env.app.origin}/api/v1/cache?url=${encodeURIComponent(url)}`, {
      method: "DELETE",
    });
    expect((await purge.json()).purged).toBe(1);
    // The fourth capture in the minute from this address is over the limit of 3.
    const limited = await screenshot(url);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([
      429,
      expect.stringMatching(/^\d+$/),
    ]);

    const stats = await (await fetch(`${env.app.origin}/api/v1/stats`)).json();
    expect(stats.requests).toBe(3);
    expect(stats.purges).toBe(1);
    expect(await cluster.keys("shotcache:*")).not.toEqual([]);
  });
});
