import { existsSync } from "node:fs";
import {
  availableOrSkip,
  type FixtureSite,
  findRedisServer,
  type RedisServer,
  type RemoteBrowser,
  startFixtureSite,
  startRedisServer,
  startRemoteBrowser,
  startUpstashBridge,
  type UpstashBridge,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, logLines, type RunningApp, startApp } from "./app-under-test";

// A serverless host as this machine can show one: `next start` (every request through the
// Next.js route handlers, as Vercel runs them), the Upstash store on the bridge over a real
// redis-server, and the browser either remote (a Chromium the test starts with a DevTools port)
// or @sparticuz/chromium's, extracted by each instance on its cold start.

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));
const HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell";
const headlessShell = Boolean(
  await availableOrSkip("chromium-headless-shell", () => {
    if (!existsSync(HEADLESS_SHELL)) throw new Error(`${HEADLESS_SHELL} does not exist`);
    return HEADLESS_SHELL;
  }),
);

describe
  .skipIf(!browserAvailable || !redisAvailable || !headlessShell)
  .each(["remote", "serverless"] as const)(
  "route handlers on a serverless host, browser %s, Upstash store",
  (source) => {
    let redis: RedisServer;
    let bridge: UpstashBridge;
    let site: FixtureSite;
    let remote: RemoteBrowser | undefined;
    let apps: RunningApp[] = [];
    const origin = (index: number) => apps[index]?.app.origin ?? "";
    const screenshot = (index: number, url: string, headers: Record<string, string> = {}) =>
      fetch(`${origin(index)}/api/v1/screenshot?url=${encodeURIComponent(url)}`, { headers });
    /** Statistics once both instances' after() work has written theirs. */
    const statsWhen = async (done: (stats: Record<string, number>) => boolean) => {
      let stats: Record<string, number> = {};
      await expect
        .poll(
          async () => {
            stats = await (await fetch(`${origin(0)}/api/v1/stats`)).json();
            return done(stats);
          },
          { timeout: 10_000 },
        )
        .toBe(true);
      return stats;
    };

    beforeAll(async () => {
      [redis, site] = await Promise.all([startRedisServer(), startFixtureSite()]);
      bridge = await startUpstashBridge({ redisPort: redis.port });
      if (source === "remote") remote = await startRemoteBrowser();
      const env: Record<string, string> = {
        UPSTASH_REDIS_REST_URL: bridge.url,
        UPSTASH_REDIS_REST_TOKEN: bridge.token,
        // What AWS Lambda sets: a serverless host (and, unlike VERCEL, nothing @sparticuz/chromium
        // reads to unpack Amazon Linux's libraries onto this Debian).
        AWS_LAMBDA_FUNCTION_NAME: "shotcache-e2e",
        // serverless is left to be chosen by itself: the host shows it and the package is there.
        ...(remote ? { SHOTCACHE_BROWSER: "remote", SHOTCACHE_BROWSER_URL: remote.url } : {}),
      };
      apps = await Promise.all([startApp(env, "next"), startApp(env, "next")]);
    }, 180_000);
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.stop()));
      await remote?.close();
      await site?.close();
      await bridge?.close();
      await redis?.stop();
    });

    it("says where its browser comes from; unasked, it chose serverless on that host", async () => {
      const health = await (await fetch(`${origin(0)}/api/health`)).json();
      expect(health.browser).toEqual({ source });
      expect(health.store.kind).toBe("upstash");
      // Log lines are written in batches: the start-up line may follow the first answer.
      const startedLine = () =>
        logLines(apps[0]?.app as RunningApp["app"]).find(
          (line) => line.msg === "shotcache started",
        );
      await expect.poll(startedLine, { timeout: 5_000 }).toBeDefined();
      expect(String(startedLine()?.browser)).toMatch(new RegExp(`^${source} \\(`));
      if (source === "serverless") {
        const chosen = logLines(apps[0]?.app as RunningApp["app"]).find((line) =>
          String(line.msg).startsWith("SHOTCACHE_BROWSER unset on a serverless host"),
        );
        expect(chosen).toMatchObject({ host: "AWS_LAMBDA_FUNCTION_NAME", browser: "serverless" });
      }
    });

    it("answers MISS, then HIT, then 304; a purge; and counts it all", async () => {
      const url = site.url(`/stable?flow=${source}`);
      const miss = await screenshot(0, url);
      expect([miss.status, miss.headers.get("x-cache")]).toEqual([200, "MISS"]);
      expect(miss.headers.get("content-type")).toBe("image/png");
      const etag = miss.headers.get("etag") ?? "";
      expect((await miss.arrayBuffer()).byteLength).toBeGreaterThan(1_000);

      const hit = await screenshot(1, url);
      expect([hit.status, hit.headers.get("x-cache"), hit.headers.get("etag")]).toEqual([
        200,
        "HIT",
        etag,
      ]);
      const notModified = await screenshot(0, url, { "if-none-match": etag });
      expect(notModified.status).toBe(304);

      const purge = await fetch(`${origin(1)}/api/v1/cache?url=${encodeURIComponent(url)}`, {
        method: "DELETE",
      });
      expect([purge.status, (await purge.json()).purged]).toEqual([200, 1]);
      expect((await screenshot(0, url)).headers.get("x-cache")).toBe("MISS");
      expect(site.requestCount("/stable")).toBe(2);

      const stats = await statsWhen((read) => read.requests === 4 && read.purges === 1);
      expect(stats).toMatchObject({ requests: 4, misses: 2, hits: 2, purges: 1 });
    });

    it("renders 20 identical misses spread over both instances once", async () => {
      const url = site.url(`/stable?spread=${source}`);
      const before = site.requestCount("/stable");
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => screenshot(i % 2, url)),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((answer) => answer.headers.get("etag"))).size).toBe(1);
      expect(site.requestCount("/stable") - before).toBe(1);
      const stats = await statsWhen((read) => read.requests === 24);
      expect(stats.misses).toBe(3);
    });
  },
);
