import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signedScreenshotUrl } from "@shotcache/sdk/sign";
import {
  availableOrSkip,
  descendantsOf,
  type FixtureSite,
  findRedisServer,
  type RedisServer,
  startFixtureSite,
  startRedisServer,
  startUpstashBridge,
  survivorsAfter,
  type UpstashBridge,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, logLines, type RunningApp, startApp } from "./app-under-test";

// What a serverless host does to an instance once its answers and their after() work are done:
// freezes it, or ends it without a word. Here, `next start` instances on the Upstash bridge,
// killed with SIGKILL the moment their after() work is logged done; and the cron route that runs
// the watches where no instance stays up to run them.

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));
const SIGNING_SECRET = "signing-secret-of-after-tests-0123456789";
const CRON_SECRET = "cron-secret-of-after-tests";

interface Received {
  method: string;
  path: string;
}

describe.skipIf(!browserAvailable || !redisAvailable)("after() work on a serverless host", () => {
  let redis: RedisServer;
  let bridge: UpstashBridge;
  let site: FixtureSite;
  /** A CDN that purges by exact URL, and the watch's webhook: it keeps every request. */
  let receiver: Server;
  let receiverOrigin = "";
  const received: Received[] = [];
  const running: RunningApp[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    AWS_LAMBDA_FUNCTION_NAME: "shotcache-e2e",
    // The browser source is not what this file tests: the quickest to start.
    SHOTCACHE_BROWSER: "local",
    SHOTCACHE_SIGNING_SECRET: SIGNING_SECRET,
    SHOTCACHE_WEBHOOK_SECRET: "watch-webhook-secret-".repeat(2),
    SHOTCACHE_WATCH_MIN_SECONDS: "1",
    SHOTCACHE_CDN_PURGE: `url:${receiverOrigin}/__purge`,
    ...extra,
  });
  const start = async (extra?: Record<string, string>) => {
    const app = await startApp(env(extra), "next");
    running.push(app);
    return app;
  };
  const screenshotUrl = (app: RunningApp, url: string) =>
    `${app.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`;
  /** Waits until the instance logged its after() work for each of `answers` as done. */
  const afterWorkDone = (app: RunningApp, answers: Response[]) =>
    expect
      .poll(
        () => {
          const done = new Set(
            logLines(app.app)
              .filter((line) => line.msg === "after-response work done")
              .map((line) => line.requestId),
          );
          return answers.every((answer) => done.has(answer.headers.get("x-request-id")));
        },
        { timeout: 15_000, interval: 20 },
      )
      .toBe(true);
  /** SIGKILL, as a host ends an instance: no drain, no exit hook; then its orphaned browser. */
  const killOutright = async (app: RunningApp) => {
    const pid = app.app.process.pid ?? 0;
    const below = descendantsOf(pid).map((child) => child.pid);
    app.app.process.kill("SIGKILL");
    for (const child of below) {
      try {
        process.kill(child, "SIGKILL");
      } catch {
        // gone with its parent
      }
    }
    expect(await survivorsAfter([pid, ...below])).toEqual([]);
    await app.stop();
  };
  const cron = (app: RunningApp, authorization?: string) =>
    fetch(`${app.app.origin}/api/cron/watches`, {
      headers: authorization ? { authorization } : {},
    });

  beforeAll(async () => {
    [redis, site] = await Promise.all([startRedisServer(), startFixtureSite()]);
    bridge = await startUpstashBridge({ redisPort: redis.port });
    receiver = createServer((request, response) => {
      received.push({ method: request.method ?? "", path: request.url ?? "" });
      request.resume();
      request.on("end", () => response.writeHead(200).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop()));
    await new Promise((resolve) => receiver?.close(resolve));
    await site?.close();
    await bridge?.close();
    await redis?.stop();
  });

  it("loses no stored entry, counted statistic, public-URL note or purge when killed right after", async () => {
    const first = await start();
    const page = site.url("/stable?killed=kept");
    const purgedPage = site.url("/stable?killed=purged");
    const publicAnswer = await fetch(
      signedScreenshotUrl(first.app.origin, { url: page }, SIGNING_SECRET),
    );
    expect([publicAnswer.status, publicAnswer.headers.get("x-cache")]).toEqual([200, "MISS"]);
    expect(publicAnswer.headers.get("cache-control")).toMatch(/^public/);
    const privateAnswer = await fetch(screenshotUrl(first, purgedPage));
    expect(privateAnswer.headers.get("x-cache")).toBe("MISS");
    const purge = await fetch(
      `${first.app.origin}/api/v1/cache?url=${encodeURIComponent(purgedPage)}`,
      { method: "DELETE" },
    );
    expect(purge.status).toBe(200);
    // Without a cron secret the cron route does not exist.
    expect((await cron(first, `Bearer ${CRON_SECRET}`)).status).toBe(404);

    await afterWorkDone(first, [publicAnswer, privateAnswer, purge]);
    await killOutright(first);

    const fresh = await start();
    const stats = await (await fetch(`${fresh.app.origin}/api/v1/stats`)).json();
    expect(stats).toMatchObject({ requests: 2, misses: 2, purges: 1 });
    const again = await fetch(signedScreenshotUrl(fresh.app.origin, { url: page }, SIGNING_SECRET));
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect((await fetch(screenshotUrl(fresh, purgedPage))).headers.get("x-cache")).toBe("MISS");

    // The public URL the killed instance answered was noted: a purge names it to the CDN.
    const signature = new URL(publicAnswer.url).searchParams.get("signature") ?? "";
    const before = received.length;
    const purgePublic = await fetch(
      `${fresh.app.origin}/api/v1/cache?url=${encodeURIComponent(page)}`,
      { method: "DELETE" },
    );
    expect(purgePublic.status).toBe(200);
    const purgedUrls = received
      .slice(before)
      .filter((request) => request.method === "PURGE")
      .map((request) => new URL(request.path, receiverOrigin));
    expect(purgedUrls.some((url) => url.searchParams.get("signature") === signature)).toBe(true);
  }, 120_000);

  it("runs a due watch once from the cron route, whichever instances are called at once", async () => {
    const [one, two] = await Promise.all([start({ CRON_SECRET }), start({ CRON_SECRET })]);
    expect((await cron(one)).status).toBe(401);
    const wrong = await cron(two, `Bearer ${CRON_SECRET}-not`);
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe("CRON_SECRET_INVALID");

    const created = await fetch(`${one.app.origin}/api/v1/watches`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: site.url("/changing?cron=1"),
        every: 1,
        webhook: `${receiverOrigin}/hook`,
      }),
    });
    expect(created.status).toBe(201);
    const id = (await created.json()).id;
    const renders = () => site.requestCount("/changing");
    const runBoth = async () => {
      const answers = await Promise.all(
        [one, two].map((app) => cron(app, `Bearer ${CRON_SECRET}`)),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      return (await Promise.all(answers.map((answer) => answer.json()))).flatMap(
        (body) => body.ran,
      );
    };

    expect(await runBoth()).toEqual([{ id, url: site.url("/changing?cron=1"), outcome: "first" }]);
    expect(renders()).toBe(1);
    // No timer runs watches on a serverless host: the watch, due every second, waits for the cron.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(renders()).toBe(1);

    const second = await runBoth();
    expect(second).toEqual([{ id, url: site.url("/changing?cron=1"), outcome: "delivered" }]);
    expect(renders()).toBe(2);
    expect(received.filter((request) => request.path === "/hook")).toHaveLength(1);
  }, 120_000);
});
