import {
  type ApiContext,
  clientAddressResolver,
  createMetrics,
  type RateLimits,
} from "@shotcache/api";
import { type CacheStore, createCaptureService, createWatchService } from "@shotcache/core";
import { createQueueRenderer } from "@shotcache/queue";
import { createWebhookSender } from "@shotcache/renderer";
import {
  connectRedis,
  createMemoryRateLimiter,
  createMemoryStore,
  createRedisRateLimiter,
  createRedisStore,
  createUpstashRateLimiter,
  createUpstashStore,
} from "@shotcache/store";
import { browserRendererOf, networkPolicyOf } from "./browser";
import { parseServerEnv, type ServerEnv } from "./env";
import { apiLogger, type Logger, logger } from "./logger";

export interface Services {
  /** The validated configuration. */
  env: ServerEnv;
  logger: Logger;
  context: ApiContext;
  /** Closes the browser and the store; safe to call more than once. */
  shutdown(): Promise<void>;
}

/** Capture rate limits on the configured store, so every instance shares them. */
function createRateLimits(env: ServerEnv): RateLimits {
  const limiter = (limit: number) => {
    if (limit === 0) return undefined;
    const options = {
      limit,
      prefix: `${env.SHOTCACHE_KEY_PREFIX}ratelimit:`,
      timeoutMs: env.SHOTCACHE_STORE_TIMEOUT_MS,
    };
    if (env.store === "redis") return createRedisRateLimiter(env.redis, options);
    if (env.store === "upstash") {
      const connection = {
        url: env.UPSTASH_REDIS_REST_URL ?? "",
        token: env.UPSTASH_REDIS_REST_TOKEN ?? "",
      };
      return createUpstashRateLimiter(connection, options);
    }
    return createMemoryRateLimiter(options);
  };
  return {
    anonymous: limiter(env.SHOTCACHE_RATE_LIMIT_PER_MINUTE),
    keyed: limiter(env.SHOTCACHE_KEY_RATE_LIMIT_PER_MINUTE),
  };
}

/**
 * Where renders run: this process's browser pool, or render workers on the queue (then this
 * process starts no browser); with how to name it in logs.
 */
async function rendererOf(env: ServerEnv) {
  if (env.SHOTCACHE_RENDER === "queue") {
    const renderer = createQueueRenderer({
      connect: () => connectRedis(env.redis, { maxRetriesPerRequest: null }),
      prefix: env.SHOTCACHE_KEY_PREFIX,
      maxRenderMs: env.SHOTCACHE_MAX_RENDER_MS,
      maxQueued: env.SHOTCACHE_RENDER_QUEUE,
      noWorkerMs: env.SHOTCACHE_QUEUE_NO_WORKER_MS,
    });
    return { renderer, browser: "render workers (queue)", browserSource: undefined };
  }
  const { renderer, browser } = await browserRendererOf(env);
  return { renderer, browser: browser.description, browserSource: browser.kind };
}

/** The store the configuration selects, and how to name it in logs (never with credentials). */
function createStore(env: ServerEnv): { store: CacheStore; description: string } {
  const shared = {
    prefix: env.SHOTCACHE_KEY_PREFIX,
    maxEntryBytes: env.SHOTCACHE_MAX_ENTRY_BYTES,
    localCacheMaxBytes: env.SHOTCACHE_LOCAL_CACHE_MAX_BYTES,
  };
  switch (env.store) {
    case "redis": {
      const connection = env.redis;
      const where = connection.clusterNodes
        ? `cluster ${connection.clusterNodes.join(",")}`
        : new URL(connection.url ?? "").host;
      return {
        store: createRedisStore({ ...connection, ...shared }),
        description: `redis (${where})`,
      };
    }
    case "upstash": {
      const url = env.UPSTASH_REDIS_REST_URL ?? "";
      const token = env.UPSTASH_REDIS_REST_TOKEN ?? "";
      return {
        store: createUpstashStore({ url, token, ...shared }),
        description: `upstash (${new URL(url).host})`,
      };
    }
    case "memory":
      return {
        store: createMemoryStore({
          maxBytes: env.SHOTCACHE_MEMORY_MAX_BYTES,
          maxEntryBytes: env.SHOTCACHE_MAX_ENTRY_BYTES,
        }),
        description: "memory",
      };
  }
}

async function createServices(): Promise<Services> {
  const env = parseServerEnv(process.env);
  const { store, description } = createStore(env);
  const { renderer, browser, browserSource } = await rendererOf(env);
  const metrics = createMetrics({ renderLoad: renderer.load });
  const storeGuard = {
    timeoutMs: env.SHOTCACHE_STORE_TIMEOUT_MS,
    openMs: env.SHOTCACHE_STORE_RETRY_MS,
  };
  const captureService = createCaptureService({
    store,
    renderer,
    policy: {
      ttlPolicy: { rules: env.ttlRules, defaultTtlSeconds: env.SHOTCACHE_DEFAULT_TTL_SECONDS },
      maxTtlSeconds: env.SHOTCACHE_MAX_TTL_SECONDS,
      adaptiveTtl: env.SHOTCACHE_ADAPTIVE_TTL
        ? {
            minSeconds: env.SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS,
            maxSeconds: env.SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS,
          }
        : undefined,
    },
    xfetchBeta: env.SHOTCACHE_XFETCH_BETA,
    storeGuard,
    // The lock must outlast the longest render.
    lockWaitMs: env.SHOTCACHE_MAX_RENDER_MS + 10_000,
    onStoreError: (error, operation) => logger.warn({ err: error, operation }, "store failed"),
    onBackgroundError: (error) => logger.warn({ err: error }, "background render failed"),
    onCaptured: metrics.observeCapture,
    cdnPurgers: env.cdnPurgers,
    onCdnPurgeFailure: (cdn, error, attempt) => {
      logger.warn({ err: error, cdn, attempt }, "CDN purge failed");
      metrics.countCdnPurgeFailure(cdn);
    },
  });

  // Watches deliver signed webhooks: without the webhook secret there are none.
  const watches = env.SHOTCACHE_WEBHOOK_SECRET
    ? createWatchService({
        store,
        storeGuard,
        captureService,
        sender: createWebhookSender({ policy: networkPolicyOf(env) }),
        webhookSecret: env.SHOTCACHE_WEBHOOK_SECRET,
        signingSecret: env.SHOTCACHE_SIGNING_SECRET,
        publicOrigin: env.SHOTCACHE_PUBLIC_URL,
        maxWatches: env.SHOTCACHE_WATCH_MAX,
        onError: (error, watchId, stage) =>
          logger.warn({ err: error, watchId, stage }, `watch ${stage} failed`),
      })
    : undefined;
  // A serverless instance may be frozen between requests, and many run at once: there the cron
  // route runs the due watches (GET /api/cron/watches), and no timer of ours runs between requests.
  if (!env.serverlessHost) watches?.start();

  logger.info(
    {
      store: description,
      browser,
      ...(env.serverlessHost ? { serverlessHost: env.serverlessHost } : {}),
      cdnPurge: env.cdnPurgers.map((purger) => purger.name),
      privateNetworks: env.SHOTCACHE_ALLOW_PRIVATE_NETWORKS
        ? "ALLOWED (development only)"
        : "refused",
    },
    "shotcache started",
  );
  if (env.SHOTCACHE_API_KEYS.length === 0) {
    logger.warn("no API keys configured (SHOTCACHE_API_KEYS): purge and stats are open to anyone");
  }

  const rateLimits = createRateLimits(env);
  let closing: Promise<void> | undefined;
  return {
    env,
    logger,
    context: {
      captureService,
      storeKind: store.kind,
      browserSource,
      cronSecret: env.CRON_SECRET,
      access: {
        keys: env.SHOTCACHE_API_KEYS,
        captureRequiresKey: env.SHOTCACHE_CAPTURE_REQUIRES_KEY,
      },
      metrics,
      watches,
      watchMinSeconds: env.SHOTCACHE_WATCH_MIN_SECONDS,
      rateLimits,
      clientAddressOf: clientAddressResolver(env.SHOTCACHE_TRUSTED_PROXIES),
      renderLoad: renderer.load,
      signingSecret: env.SHOTCACHE_SIGNING_SECRET,
      webhookSecret: env.SHOTCACHE_WEBHOOK_SECRET,
      logger: apiLogger,
      onUnexpectedError: (error) => logger.error({ err: error }, "unexpected error"),
    },
    shutdown() {
      // Watch runs under way finish (or give up their retries) before the browser goes.
      closing ??= (watches?.stop() ?? Promise.resolve())
        .then(() =>
          Promise.allSettled([
            renderer.close(),
            captureService.idle(),
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
