import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  availableOrSkip,
  descendantsOf,
  type FixtureSite,
  findRedisServer,
  type RedisServer,
  type RenderWorkerProcess,
  startFixtureSite,
  startRedisServer,
  startRenderWorkerProcess,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, startApp } from "./app-under-test";

// One API node with SHOTCACHE_RENDER=queue and two render workers (`pnpm worker`'s process), all
// on one Redis: real Chromium in the workers only.

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));
const APP_DIR = join(import.meta.dirname, "..");

interface Worker {
  process: RenderWorkerProcess;
  /** Its own TMPDIR, where its browser keeps its folders. */
  tempDir: string;
}

describe.skipIf(!browserAvailable || !redisAvailable)("render workers on a shared queue", () => {
  let redis: RedisServer;
  let site: FixtureSite;
  let api: RunningApp;
  let workers: Worker[] = [];
  const env = () => ({
    REDIS_URL: redis.url,
    SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
    SHOTCACHE_RENDER_CONCURRENCY: "2",
  });
  const startWorker = async (): Promise<Worker> => {
    const tempDir = mkdtempSync(join(tmpdir(), "shotcache-worker-"));
    const process = await startRenderWorkerProcess({
      appDir: APP_DIR,
      env: { ...env(), TMPDIR: tempDir },
    });
    return { process, tempDir };
  };
  /** Ends a worker and whatever its browser left, whichever way it went. */
  const removeWorker = async (worker: Worker) => {
    await worker.process.stop();
    try {
      execFileSync("pkill", ["-KILL", "-f", worker.tempDir]);
    } catch {
      // nothing left: as it should be after a clean stop
    }
    rmSync(worker.tempDir, { recursive: true, force: true });
  };
  const screenshot = (path: string) =>
    fetch(`${api.app.origin}/api/v1/screenshot?url=${encodeURIComponent(site.url(path))}`);
  const renderedBy = (worker: Worker) =>
    worker.process
      .output()
      .split("\n")
      .filter((line) => line.includes('"msg":"rendered"')).length;

  beforeAll(async () => {
    [redis, site] = await Promise.all([startRedisServer(), startFixtureSite()]);
    workers = [await startWorker(), await startWorker()];
    api = await startApp({
      ...env(),
      SHOTCACHE_RENDER: "queue",
      SHOTCACHE_QUEUE_NO_WORKER_MS: "3000",
    });
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await Promise.all(workers.map(removeWorker));
    await site?.close();
    await redis?.stop();
  });

  it("renders 12 distinct pages at once on both workers, with no browser on the API node", async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => screenshot(`/stable?queued=${i}`)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
    expect(responses.every((response) => response.headers.get("x-cache") === "MISS")).toBe(true);
    const [a, b] = workers as [Worker, Worker];
    // Log lines reach us a moment after the answers.
    await expect.poll(() => renderedBy(a) + renderedBy(b)).toBe(12);
    expect(renderedBy(a)).toBeGreaterThan(0);
    expect(renderedBy(b)).toBeGreaterThan(0);
    // The cache answers the next ones, with no job at all.
    expect((await screenshot("/stable?queued=0")).headers.get("x-cache")).toBe("HIT");
    const chromium = descendantsOf(api.app.process.pid ?? 0).filter((info) =>
      /chrom/i.test(info.commandLine),
    );
    expect(chromium).toEqual([]);

    const health = await (await fetch(`${api.app.origin}/api/health`)).json();
    expect(health.renders).toMatchObject({ mode: "queue", workers: 2, slots: 4 });
  });

  it("loses no capture when a worker is killed mid-render", async () => {
    const before = site.requestCount("/slow");
    const slow = Array.from({ length: 6 }, (_, i) => screenshot(`/slow?ms=2500&killed=${i}`));
    await expect.poll(() => site.requestCount("/slow") - before, { timeout: 10_000 }).toBe(4);
    const [victim, survivor] = workers as [Worker, Worker];
    victim.process.process.kill("SIGKILL");
    const responses = await Promise.all(slow);
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    await removeWorker(victim);
    workers = [survivor];
  }, 60_000);

  it("drains a worker on SIGTERM: its render in flight finishes, then it exits 0", async () => {
    const [worker] = workers as [Worker];
    const before = site.requestCount("/slow");
    const inFlight = screenshot("/slow?ms=2500&drained=1");
    await expect.poll(() => site.requestCount("/slow") - before, { timeout: 10_000 }).toBe(1);
    const exited = worker.process.stop();
    expect((await inFlight).status).toBe(200);
    expect(await exited).toBe(0);
    await removeWorker(worker);
    workers = [];
  }, 30_000);

  it("refuses a capture within its bound when no worker is left, never leaving it hanging", async () => {
    const started = Date.now();
    const response = await screenshot("/stable?nobody=1");
    expect(response.status).toBe(503);
    expect((await response.json()).code).toBe("BROWSER_UNAVAILABLE");
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
