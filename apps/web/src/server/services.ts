import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type ApiContext,
  batchQuota,
  clientAddressResolver,
  createMetrics,
  type RateLimits,
} from "@shotcache/api";
import { createBatchService } from "@shotcache/batches";
import { createS3Bucket, withObjectBucket } from "@shotcache/bucket";
import {
  type CacheStore,
  createCaptureService,
  createHistoryService,
  guardStore,
} from "@shotcache/core";
import { createQueueRenderer } from "@shotcache/queue";
import { createWebhookSender, defaultRenderConcurrency } from "@shotcache/renderer";
import {
  connectRedis,
  createMemoryRateLimiter,
  createMemoryStore,
  createRedisRateLimiter,
  createRedisStore,
  createUpstashRateLimiter,
  createUpstashStore,
  DEFAULT_MAX_ENTRY_BYTES,
} from "@shotcache/store";
import { createChangeMeter } from "@shotcache/visual-change";
import { createWatchService } from "@shotcache/watches";
import { browserRendererOf } from "./browser";
import { type Config, ConfigError, environment, loadConfig, type StoreConfig } from "./config";
import { apiLogger, type Logger, logger } from "./logger";

export interface Services {
  config: Config;
  logger: Logger;
  context: ApiContext;
  /** Closes the browser and the store; safe to call more than once. */
  shutdown(): Promise<void>;
}

/** The Upstash database; never missing, as the configuration refuses an Upstash store without it. */
function upstashOf(store: StoreConfig): { url: string; token: string } {
  if (!store.upstash) throw new ConfigError("the upstash store needs its URL and token");
  return store.upstash;
}

/** Capture rate limits on the configured store, so every instance shares them. */
function createRateLimits({ store, access }: Config): RateLimits {
  const limiter = (limit: number) => {
    if (limit === 0) return undefined;
    const options = {
      limit,
      prefix: `${store.keyPrefix}ratelimit:`,
      timeoutMs: store.guard.timeoutMs,
    };
    if (store.kind === "redis") return createRedisRateLimiter(store.redis, options);
    if (store.kind === "upstash") return createUpstashRateLimiter(upstashOf(store), options);
    return createMemoryRateLimiter(options);
  };
  return {
    anonymous: limiter(access.rateLimits.anonymous),
    keyed: limiter(access.rateLimits.keyed),
  };
}

/**
 * Where renders run: this process's browser pool, or render workers on the queue (then this
 * process starts no browser); with how to name it in logs.
 */
async function rendererOf(config: Config) {
  const { render, store } = config;
  if (render.where === "queue") {
    const renderer = createQueueRenderer({
      connect: () => connectRedis(store.redis, { maxRetriesPerRequest: null }),
      prefix: store.keyPrefix,
      maxRenderMs: render.maxRenderMs,
      maxQueued: render.maxQueued,
      noWorkerMs: render.queueNoWorkerMs,
    });
    return { renderer, browser: "render workers (queue)" };
  }
  const { renderer, browser, fonts } = await browserRendererOf(config);
  return { renderer, browser: browser.description, browserSource: browser.kind, fonts };
}

/**
 * The store the configuration selects, with its images in the bucket when one is configured; and
 * how to name them in logs (never with credentials).
 */
function createStore(config: StoreConfig): { store: CacheStore; description: string } {
  const chosen = createChosenStore(config);
  const { objects } = config;
  if (!objects) return chosen;
  const bucket = createS3Bucket(objects);
  const store = withObjectBucket(chosen.store, bucket, {
    minBytes: objects.minBytes,
    localCopyMaxBytes: config.localCacheMaxBytes,
    maxEntryBytes: config.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
    onBackgroundError: (error, operation) =>
      logger.warn({ err: error, operation }, "object store failed"),
  });
  return { store, description: `${chosen.description}, images in ${bucket.description}` };
}

function createChosenStore(config: StoreConfig): { store: CacheStore; description: string } {
  const shared = {
    prefix: config.keyPrefix,
    maxEntryBytes: config.maxEntryBytes,
    localCacheMaxBytes: config.localCacheMaxBytes,
  };
  if (config.kind === "redis") {
    const { url, clusterNodes } = config.redis;
    const where = clusterNodes ? `cluster ${clusterNodes.join(",")}` : new URL(url ?? "").host;
    return {
      store: createRedisStore({ ...config.redis, ...shared }),
      description: `redis (${where})`,
    };
  }
  if (config.kind === "upstash") {
    const upstash = upstashOf(config);
    return {
      store: createUpstashStore({ ...upstash, ...shared }),
      description: `upstash (${new URL(upstash.url).host})`,
    };
  }
  const memory = { maxBytes: config.memoryMaxBytes, maxEntryBytes: config.maxEntryBytes };
  return { store: createMemoryStore(memory), description: "memory" };
}

async function createServices(): Promise<Services> {
  const config = loadConfig(environment());
  const { access, browser: browserConfig } = config;
  const { store, description } = createStore(config.store);
  const { renderer, browser, browserSource, fonts } = await rendererOf(config);
  const metrics = createMetrics({ renderLoad: renderer.load });
  const storeGuard = config.store.guard;
  // The measure's worker, built beside the production server (tsdown.config.ts); where it is not
  // there (Next.js's own bundles), measures run on this thread, after the answers. The path is
  // joined, not `new URL("./…", import.meta.url)`: Next.js's bundler would look for that file.
  const changeMeter = createChangeMeter({
    workerFile: pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), "change-worker.mjs")),
  });
  const captureService = createCaptureService({
    store,
    renderer,
    policy: config.cache.policy,
    xfetchBeta: config.cache.xfetchBeta,
    historyVersions: config.cache.historyVersions,
    changeMeter,
    storeGuard,
    // The lock must outlast the longest render.
    lockWaitMs: config.render.maxRenderMs + 10_000,
    onStoreError: (error, operation) => logger.warn({ err: error, operation }, "store failed"),
    onBackgroundError: (error) => logger.warn({ err: error }, "background work failed"),
    onCaptured: metrics.observeCapture,
    cdnPurgers: config.cdn.purgers,
    onCdnPurgeFailure: (cdn, error, attempt) => {
      logger.warn({ err: error, cdn, attempt }, "CDN purge failed");
      metrics.countCdnPurgeFailure(cdn);
    },
  });

  const history =
    config.cache.historyVersions > 0
      ? createHistoryService({ store: guardStore(store, storeGuard), meter: changeMeter })
      : undefined;
  // Watches deliver signed webhooks: without the webhook secret there are none.
  const watches = access.webhookSecret
    ? createWatchService({
        store,
        storeGuard,
        captureService,
        history,
        sender: createWebhookSender({ policy: config.network.policy }),
        webhookSecret: access.webhookSecret,
        signingSecret: access.signingSecret,
        publicOrigin: config.watches.publicOrigin,
        maxWatches: config.watches.maxWatches,
        onError: (error, watchId, stage) =>
          logger.warn({ err: error, watchId, stage }, `watch ${stage} failed`),
      })
    : undefined;
  // A serverless instance may be frozen between requests, and many run at once: there the cron
  // route runs the due watches (GET /api/cron/watches), and no timer of ours runs between requests.
  if (!browserConfig.serverlessHost) watches?.start();

  logger.info(
    {
      store: description,
      browser,
      ...(browserConfig.serverlessHost ? { serverlessHost: browserConfig.serverlessHost } : {}),
      cdnPurge: config.cdn.purgers.map((purger) => purger.name),
      privateNetworks: config.network.allowsPrivateNetworks
        ? "ALLOWED (development only)"
        : "refused",
    },
    "shotcache started",
  );
  if (access.keys.length === 0) {
    logger.warn("no API keys configured (SHOTCACHE_API_KEYS): purge and stats are open to anyone");
  }

  const rateLimits = createRateLimits(config);
  // Batches run in the background: not where an instance may be frozen between requests.
  const batches = browserConfig.serverlessHost
    ? undefined
    : createBatchService({
        store,
        storeGuard,
        captureService,
        concurrency:
          config.render.batchConcurrency ??
          Math.max(1, Math.floor((config.render.concurrency ?? defaultRenderConcurrency()) / 2)),
        waitForQuota: batchQuota(rateLimits),
        sender: createWebhookSender({ policy: config.network.policy }),
        webhookSecret: access.webhookSecret,
        signingSecret: access.signingSecret,
        publicOrigin: config.watches.publicOrigin,
        onError: (error, batchId, stage) =>
          logger.warn({ err: error, batchId, stage }, `batch ${stage} failed`),
      });
  batches?.start();
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    context: {
      captureService,
      history,
      storeKind: store.kind,
      redirectToObjects: config.store.objects?.redirect,
      browserSource,
      fonts,
      cronSecret: access.cronSecret,
      access: { keys: access.keys, captureRequiresKey: access.captureRequiresKey },
      metrics,
      watches,
      batches,
      watchMinSeconds: config.watches.minEverySeconds,
      rateLimits,
      clientAddressOf: clientAddressResolver(access.trustedProxies),
      renderLoad: renderer.load,
      signingSecret: access.signingSecret,
      webhookSecret: access.webhookSecret,
      logger: apiLogger,
      onUnexpectedError: (error) => logger.error({ err: error }, "unexpected error"),
    },
    shutdown() {
      // Watch runs and batch captures under way finish (or give up their retries) before the
      // browser goes.
      closing ??= Promise.all([watches?.stop(), batches?.stop()])
        .then(() =>
          Promise.allSettled([
            renderer.close(),
            captureService.idle().then(() => changeMeter.close()),
            store.close(),
            rateLimits.anonymous?.close?.(),
            rateLimits.keyed?.close?.(),
          ]),
        )
        .then(() => {});
      return closing;
    },
  };
}

/**
 * Kept on `globalThis` because Next.js evaluates instrumentation and each route in module graphs
 * of their own, and the production server is a bundle of its own: one browser per process.
 */
const holder = globalThis as {
  __shotcacheServices?: Promise<Services>;
  __shotcacheProductionServer?: boolean;
};

/** The process's services, built on first use. */
export function services(): Promise<Services> {
  holder.__shotcacheServices ??= createServices();
  return holder.__shotcacheServices;
}

/** Said by the production server before Next.js starts: signals and shutdown are its own. */
export function markProductionServer(): void {
  holder.__shotcacheProductionServer = true;
}

export const isProductionServer = (): boolean => holder.__shotcacheProductionServer === true;

/** The API context of this process, as every route hands it to its handler. */
export const apiContext = async () => (await services()).context;
