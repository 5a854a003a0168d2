import { createShotcacheClient } from "@shotcache/sdk";
import {
  availableOrSkip,
  type FixtureSite,
  findRedisServer,
  type RedisServer,
  startFixtureSite,
  startRedisServer,
  startUpstashBridge,
  type UpstashBridge,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, startApp } from "./app-under-test";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

describe.skipIf(!browserAvailable || !redisAvailable).each(["redis", "upstash"] as const)(
  "two app processes sharing one %s store",
  (kind) => {
    let redis: RedisServer;
    let bridge: UpstashBridge | undefined;
    let site: FixtureSite;
    let apps: RunningApp[] = [];
    const screenshot = (app: RunningApp, url: string) =>
      fetch(`${app.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`);

    beforeAll(async () => {
      [redis, site] = await Promise.all([startRedisServer(), startFixtureSite()]);
      // A short breaker pause, so the outage test sees hits return quickly.
      let env: Record<string, string> = { REDIS_URL: redis.url, SHOTCACHE_STORE_RETRY_MS: "500" };
      if (kind === "upstash") {
        bridge = await startUpstashBridge({ redisPort: redis.port });
        env = {
          UPSTASH_REDIS_REST_URL: bridge.url,
          UPSTASH_REDIS_REST_TOKEN: bridge.token,
          SHOTCACHE_STORE_RETRY_MS: "500",
        };
      }
      apps = await Promise.all([startApp(env), startApp(env)]);
      const health = await (await fetch(`${apps[0]?.app.origin}/api/health`)).json();
      expect(health.store.kind).toBe(kind);
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.stop()));
      await site?.close();
      await bridge?.close();
      await redis?.stop();
    });

    it("renders once for 50 concurrent cold requests across both, and both count them alike", async () => {
      const url = site.url("/stable?shared=1");
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => screenshot(apps[i % 2] as RunningApp, url)),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
      const etags = new Set(responses.map((response) => response.headers.get("etag")));
      expect(etags.size).toBe(1);
      expect(site.requestCount("/stable")).toBe(1);

      // Each instance writes its statistics in the background: wait until all have landed.
      const [clientA, clientB] = apps.map((app) =>
        createShotcacheClient({ baseUrl: app.app.origin }),
      );
      let [statsA, statsB] = [await clientA?.stats(), await clientB?.stats()];
      const deadline = Date.now() + 10_000;
      while (statsA?.requests !== 50 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        [statsA, statsB] = [await clientA?.stats(), await clientB?.stats()];
      }
      expect(statsA).toEqual(statsB);
      expect(statsA?.requests).toBe(50);
      // One render; every other request waited for it or, arriving after it was stored, hit.
      expect(statsA?.misses).toBe(1);
      expect((statsA?.coalesced ?? 0) + (statsA?.hits ?? 0)).toBe(49);
    });

    it("keeps answering with BYPASS, never a 5xx, while Redis is down; hits return after", async () => {
      const [first, second] = apps as [RunningApp, RunningApp];
      const url = site.url("/stable?outage=1");
      expect((await screenshot(first, url)).headers.get("x-cache")).toBe("MISS");

      await redis.stop();
      for (const app of [first, second, first, second]) {
        const response = await screenshot(app, url);
        expect(response.status).toBe(200);
        expect(response.headers.get("x-cache")).toBe("BYPASS");
        expect(response.headers.get("x-cache-reason")).toBe("store-unavailable");
      }

      await redis.restart();
      const statuses: (string | null)[] = [];
      const deadline = Date.now() + 30_000;
      while (statuses.at(-1) !== "HIT" && Date.now() < deadline) {
        const response = await screenshot(first, url);
        expect(response.status).toBe(200);
        statuses.push(response.headers.get("x-cache"));
        if (statuses.at(-1) !== "HIT") await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(statuses.at(-1)).toBe("HIT");
    });
  },
);
