import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureOptionsSchema } from "@shotcache/core";
import { createQueueRenderer } from "@shotcache/queue";
import { ALLOW_ALL, createPuppeteerRenderer, findBrowserExecutable } from "@shotcache/renderer";
import { connectRedis } from "@shotcache/store";
import { type FixtureSite, startRedisServer, startRenderWorkerProcess } from "@shotcache/testkit";
import { inTurns, median, perSecond, timed } from "./measure";

const ROUNDS = 4;
const PAGES = 16;

/**
 * Render throughput of 16 distinct pages at once through the queue, on two render workers
 * (`pnpm worker`'s process, one render at a time each), beside the in-process pool rendering
 * two at once: the same work, the queue's cost on top.
 */
export async function measureWorkers(site: FixtureSite, appDir: string) {
  const redis = await startRedisServer();
  const tempDir = mkdtempSync(join(tmpdir(), "shotcache-bench-workers-"));
  const workerEnv = {
    REDIS_URL: redis.url,
    SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
    SHOTCACHE_RENDER_CONCURRENCY: "1",
    TMPDIR: tempDir,
  };
  const workers = await Promise.all(
    [0, 1].map(() => startRenderWorkerProcess({ appDir, env: workerEnv })),
  );
  // Both may hold the whole batch: throughput is measured, not admission.
  const queued = createQueueRenderer({
    connect: () => connectRedis({ url: redis.url }, { maxRetriesPerRequest: null }),
    maxQueued: PAGES,
  });
  const executablePath = await findBrowserExecutable(process.env);
  const local = createPuppeteerRenderer({
    executablePath,
    network: ALLOW_ALL,
    concurrency: 2,
    maxQueued: PAGES,
  });
  let batch = 0;
  const throughput = (renderer: { render: typeof local.render }) => async () => {
    const urls = Array.from({ length: PAGES }, (_, i) =>
      site.url(`/stable?workers=${batch}&page=${i}`),
    );
    batch++;
    const ms = await timed(() =>
      Promise.all(urls.map((url) => renderer.render(captureOptionsSchema.parse({ url })))),
    );
    return perSecond(PAGES, ms);
  };
  try {
    // Warm both: browsers started, contexts ready.
    await throughput(queued)();
    await throughput(local)();
    const { a, b } = await inTurns(ROUNDS, throughput(queued), throughput(local));
    return {
      workers: median(a),
      inProcess: median(b),
      ratio: median(a.map((rate, round) => rate / (b[round] ?? Number.NaN))),
    };
  } finally {
    await Promise.allSettled([queued.close(), local.close(), ...workers.map((w) => w.stop())]);
    await redis.stop();
    rmSync(tempDir, { recursive: true, force: true });
  }
}
