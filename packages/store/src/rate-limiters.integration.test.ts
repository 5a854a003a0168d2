import { type AddressInfo, createServer } from "node:net";
import type { RateLimiter } from "@shotcache/core";
import {
  availableOrSkip,
  findRedisServer,
  type RedisBackends,
  type RedisCluster,
  startRedisBackends,
  startRedisCluster,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  createUpstashRateLimiter,
} from "./rate-limiters";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

function itLimitsRequests(open: () => RateLimiter) {
  it("allows the limit in a window, then refuses until the window moves on", async () => {
    const limiter = open();
    const id = `caller-${Math.random()}`;
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.limit(id));
    expect(decisions.map((d) => d.success)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    const refused = decisions[3];
    expect(refused?.limit).toBe(3);
    expect(refused?.reset).toBeGreaterThan(Date.now());
    expect((await limiter.limit(`other-${Math.random()}`)).success).toBe(true);
    await limiter.close?.();
  });
}

describe("memory rate limiter", () => {
  itLimitsRequests(() => createMemoryRateLimiter({ limit: 3 }));
});

describe.skipIf(!redisAvailable)("shared rate limiters", () => {
  let backends: RedisBackends;
  beforeAll(async () => {
    backends = await startRedisBackends();
  });
  afterAll(() => backends?.close());

  describe("redis", () => {
    itLimitsRequests(() => createRedisRateLimiter({ url: backends.server.url }, { limit: 3 }));
  });
  describe("upstash (@upstash/ratelimit)", () => {
    itLimitsRequests(() =>
      createUpstashRateLimiter(
        { url: backends.bridge.url, token: backends.bridge.token },
        { limit: 3 },
      ),
    );
  });

  it("shares one limit between instances", async () => {
    const [a, b] = [0, 1].map(() =>
      createRedisRateLimiter({ url: backends.server.url }, { limit: 2 }),
    );
    const id = `shared-${Math.random()}`;
    expect([(await a?.limit(id))?.success, (await b?.limit(id))?.success]).toEqual([true, true]);
    expect((await a?.limit(id))?.success).toBe(false);
    await Promise.all([a?.close?.(), b?.close?.()]);
  });

  it("fails within its deadline when Redis does not answer, and closes", async () => {
    // A server that takes connections and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const limiter = createRedisRateLimiter(
      { url: `redis://127.0.0.1:${port}` },
      {
        limit: 2,
        timeoutMs: 200,
      },
    );
    await expect(limiter.limit("anyone")).rejects.toThrow(/timed out/i);
    await limiter.close?.();
    silent.close();
  });
});

describe.skipIf(!redisAvailable)("redis rate limiter on a 3-master Redis Cluster", () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(() => cluster?.stop());

  itLimitsRequests(() =>
    createRedisRateLimiter({ clusterNodes: cluster.nodes.split(",") }, { limit: 3 }),
  );
});
