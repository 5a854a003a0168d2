/**
 * A render worker, what `pnpm worker` runs: the browser pool and its network guard, taking render
 * jobs from the shared queue in Redis (API nodes with `SHOTCACHE_RENDER=queue` put them there).
 * Same environment and settings as the server. Drains on SIGTERM/SIGINT: takes no new jobs,
 * finishes the renders under way, closes the browser, exits 0; a second signal exits at once.
 */
import { startRenderWorker } from "@shotcache/queue";
import { connectRedis } from "@shotcache/store";
import { browserRendererOf } from "./browser";
import { type Config, environment, loadConfig } from "./config";
import { logger } from "./logger";

let config: Config;
try {
  config = loadConfig(environment());
  if (!config.store.redis.url && !config.store.redis.clusterNodes) {
    throw new Error(
      "a render worker needs Redis for its queue: set REDIS_URL or REDIS_CLUSTER_NODES",
    );
  }
} catch (error) {
  console.error(`[shotcache] cannot start: ${(error as Error).message}`);
  process.exit(1);
}

const { renderer, browser } = await browserRendererOf(config);
const worker = await startRenderWorker({
  connect: () => connectRedis(config.store.redis, { maxRetriesPerRequest: null }),
  prefix: config.store.keyPrefix,
  renderer,
  concurrency: renderer.concurrency,
  onRendered: (jobId, ms) => logger.info({ jobId, ms }, "rendered"),
  onError: (error) => logger.warn({ err: error }, "queue failed"),
});
logger.info(
  { worker: worker.id, concurrency: renderer.concurrency, browser: browser.description },
  "worker ready",
);

async function stop(signal: NodeJS.Signals): Promise<never> {
  logger.info({ signal }, "draining");
  const graceMs = config.http.shutdownGraceMs;
  // A backstop: renders have their own deadline, but a hung close must not keep the process.
  setTimeout(() => process.exit(1), graceMs + 10_000).unref();
  await worker.close();
  await renderer.close();
  logger.info("stopped");
  process.exit(0);
}

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second signal means now
    stopping = true;
    void stop(signal);
  });
}
