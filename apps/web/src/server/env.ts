import { readFileSync } from "node:fs";
import { clientAddressResolver, parseApiKey, type TrustedProxies } from "@shotcache/api";
import { purgersFromConfig } from "@shotcache/cdn";
import type { CdnPurger } from "@shotcache/core";
import {
  DEFAULT_ADAPTIVE_TTL,
  DEFAULT_TTL_RULES,
  DEFAULT_TTL_SECONDS,
  MAX_TTL_SECONDS,
  MAX_WATCH_EVERY_SECONDS,
  type TtlRule,
} from "@shotcache/core";
import { policyFromAllowlist } from "@shotcache/renderer";
import { z } from "zod";
import { serverlessHostOf } from "./serverless-chromium";

const booleanText = z.enum(["true", "false"]).transform((text) => text === "true");

/** The items of a comma-separated list, trimmed, empty ones left out. */
const commaList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * `SHOTCACHE_TRUSTED_PROXIES`: how many proxy hops in front are trusted, or a comma-separated list
 * of their addresses and CIDR ranges (proxy-addr's `loopback`, `linklocal`, `uniquelocal` too).
 */
const trustedProxiesText = z.string().transform((text, context): TrustedProxies => {
  if (/^\s*\d+\s*$/.test(text)) return Number(text);
  const ranges = commaList(text);
  try {
    clientAddressResolver(ranges);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
  return ranges;
});
const positiveInt = z.coerce.number().int().positive();

/** `SHOTCACHE_TTL_RULES`: a JSON list of `{ "pattern": "<regex on the path>", "ttl": seconds }`. */
const ttlRulesText = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "is not valid JSON" });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z.strictObject({
        pattern: z.string().refine((source) => {
          try {
            new RegExp(source);
            return true;
          } catch {
            return false;
          }
        }, "is not a valid regular expression"),
        ttl: z.int().min(0).max(MAX_TTL_SECONDS),
      }),
    ),
  )
  .transform((rules): TtlRule[] =>
    rules.map((rule) => ({ pathPattern: new RegExp(rule.pattern), ttlSeconds: rule.ttl })),
  );

/** Every variable the server reads, validated once; a bad value stops start-up, naming it. */
const envSchema = z
  .object({
    /**
     * API keys, comma-separated: `key` (every scope) or `key:scope+scope`, the key itself (16+
     * characters) or `sha256:<hex>`, its digest; none = the server runs open.
     */
    SHOTCACHE_API_KEYS: z
      .string()
      .default("")
      .transform((text, context) =>
        commaList(text).flatMap((entry, index) => {
          try {
            return [parseApiKey(entry)];
          } catch (error) {
            // The message names the entry by its place, never by the key.
            context.addIssue({
              code: "custom",
              message: `entry ${index + 1}: ${(error as Error).message}`,
            });
            return [];
          }
        }),
      ),
    /** Whether captures need a key too (every other scope always does when keys exist). */
    SHOTCACHE_CAPTURE_REQUIRES_KEY: booleanText.default(false),
    /** Secret of signed public URLs (none: signed URLs are refused). */
    SHOTCACHE_SIGNING_SECRET: z.string().min(32, "needs at least 32 characters").optional(),
    /** Secret of the invalidation webhook (none: the webhook is off). */
    SHOTCACHE_WEBHOOK_SECRET: z.string().min(32, "needs at least 32 characters").optional(),
    /** Shortest interval a watch may ask for, and how many watches the server keeps. */
    SHOTCACHE_WATCH_MIN_SECONDS: positiveInt.max(MAX_WATCH_EVERY_SECONDS).default(60),
    SHOTCACHE_WATCH_MAX: positiveInt.max(100_000).default(1_000),
    /** The server's public origin (`https://shots.example`), for the image URLs watches send. */
    SHOTCACHE_PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: "must be an http or https URL" })
      .transform((url) => new URL(url).origin)
      .optional(),
    /** Captures per minute per client address without a key, and per key; 0 = unlimited. */
    SHOTCACHE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(120),
    SHOTCACHE_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1_200),
    /** Proxies whose X-Forwarded-For is believed (hops, or CIDRs); 0: the peer is the caller. */
    SHOTCACHE_TRUSTED_PROXIES: trustedProxiesText.default(0),
    /** Let captures reach loopback and private networks (tests, local development). */
    SHOTCACHE_ALLOW_PRIVATE_NETWORKS: booleanText.default(false),
    /** Hosts and address ranges captures may reach besides the public internet, comma-separated. */
    SHOTCACHE_ALLOWED_TARGETS: z
      .string()
      .default("")
      .transform((text, context) => {
        try {
          return policyFromAllowlist(text.split(","));
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /**
     * Certificates captures trust beyond the system's (an intranet's own CA or site): base64
     * SHA-256 digests of their public keys, comma-separated.
     */
    SHOTCACHE_TRUSTED_CERTIFICATES: z
      .string()
      .default("")
      .transform(commaList)
      .pipe(
        z.array(
          z
            .string()
            .regex(/^[A-Za-z0-9+/]{43}=$/, "each must be a base64 SHA-256 digest (44 characters)"),
        ),
      ),
    /**
     * Filter lists `blockAds` applies besides its own rules (EasyList, say): paths of files in
     * the Adblock Plus syntax, comma-separated; read once, at start.
     */
    SHOTCACHE_AD_FILTER_LISTS: z
      .string()
      .default("")
      .transform(commaList)
      .transform((paths, context) =>
        paths.map((path) => {
          try {
            return readFileSync(path, "utf8");
          } catch (error) {
            context.addIssue({
              code: "custom",
              message: `cannot read ${path}: ${(error as Error).message}`,
            });
            return "";
          }
        }),
      ),
    /** Longest wait for a page to load, in ms. */
    SHOTCACHE_NAVIGATION_TIMEOUT_MS: positiveInt.default(30_000),
    /** Longest whole render, whatever a caller's `timeout` asks, in ms. */
    SHOTCACHE_MAX_RENDER_MS: positiveInt.default(60_000),
    /**
     * Where renders run: `local`, in this process's browser pool; `queue`, on render workers
     * (`pnpm worker`) fed from a queue in Redis, so this process starts no browser.
     */
    SHOTCACHE_RENDER: z.enum(["local", "queue"]).default("local"),
    /** With the queue: how long a capture waits while no render worker is alive. */
    SHOTCACHE_QUEUE_NO_WORKER_MS: positiveInt.default(10_000),
    /** Renders at once (default: the number of cores) and renders allowed to wait. */
    SHOTCACHE_RENDER_CONCURRENCY: positiveInt.optional(),
    SHOTCACHE_RENDER_QUEUE: z.coerce.number().int().min(0).optional(),
    /**
     * Browser contexts kept ready (guard and page included) for the next renders; 0 by default on
     * a serverless host, where an instance between requests should hold nothing busy.
     */
    SHOTCACHE_READY_CONTEXTS: z.coerce.number().int().min(0).max(64).optional(),
    /** Tallest full-page capture, in CSS pixels. */
    SHOTCACHE_FULL_PAGE_MAX_HEIGHT: positiveInt.max(65_535).default(16_384),
    /** The browser is replaced after this many renders. */
    SHOTCACHE_RECYCLE_AFTER: positiveInt.default(500),
    /**
     * Where the browser comes from: `local`, one this process launches; `remote`, a DevTools
     * endpoint elsewhere (browserless, a Chrome on another host, Cloudflare's CDP endpoint);
     * `serverless`, the Chromium of `@sparticuz/chromium` inside a function. Unset: `serverless`
     * on a serverless host (see serverless-chromium.ts) where that package is installed, else
     * `local`.
     */
    SHOTCACHE_BROWSER: z.enum(["local", "remote", "serverless"]).optional(),
    /**
     * With `remote`: a `ws://`/`wss://` DevTools endpoint, or `http(s)://host:port` whose
     * `/json/version` names it. Credentials may ride in it (browserless' `?token=`): it is never
     * logged whole.
     */
    SHOTCACHE_BROWSER_URL: z
      .url({
        protocol: /^(wss?|https?)$/,
        error: "must be a ws://, wss://, http:// or https:// URL",
      })
      .optional(),
    /** With `remote`: the DevTools connection's `Authorization` header (`Bearer …`); never logged. */
    SHOTCACHE_BROWSER_AUTHORIZATION: z.string().min(1).optional(),
    /** Browser executable (`local`); found automatically when unset. */
    CHROME_PATH: z.string().min(1).optional(),
    PUPPETEER_EXECUTABLE_PATH: z.string().min(1).optional(),
    /**
     * Secret of `GET /api/cron/watches`, sent as `Authorization: Bearer <secret>` (what Vercel
     * Cron sends); none: that route answers 404.
     */
    CRON_SECRET: z.string().min(16, "needs at least 16 characters").optional(),
    // Set by the host itself, read only to tell that this is a serverless runtime.
    VERCEL: z.string().optional(),
    AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
    NETLIFY: z.string().optional(),

    /** Which store: chosen from the other variables when unset. */
    SHOTCACHE_STORE: z.enum(["memory", "redis", "upstash"]).optional(),
    /** Byte cap of the in-memory cache. */
    SHOTCACHE_MEMORY_MAX_BYTES: positiveInt.default(256 * 1024 * 1024),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
      .optional(),
    /** Nodes of a Redis Cluster, `host:port,…` (REDIS_URL then gives only credentials and TLS). */
    REDIS_CLUSTER_NODES: z
      .string()
      .transform(commaList)
      .pipe(
        z
          .array(
            z.string().regex(/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/, "each node is host:port"),
          )
          .min(1, "names no node"),
      )
      .optional(),
    UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    /** Prefix of every Redis/Upstash key. */
    SHOTCACHE_KEY_PREFIX: z.string().min(1).max(64).default("shotcache:"),
    /** Largest image stored; larger ones are served but not cached. Store default when unset. */
    SHOTCACHE_MAX_ENTRY_BYTES: positiveInt.optional(),
    /** CDNs in front of public images that every purge reaches (`xkey:<url>`, …). */
    SHOTCACHE_CDN_PURGE: z.string().default(""),
    /** API tokens of the `cloudflare:` and `fastly:` purgers, and their APIs (a proxy's). */
    SHOTCACHE_CLOUDFLARE_API_TOKEN: z.string().min(1).optional(),
    SHOTCACHE_FASTLY_API_TOKEN: z.string().min(1).optional(),
    SHOTCACHE_CLOUDFLARE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    SHOTCACHE_FASTLY_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Redis/Upstash: bytes of recently served images kept in this process too (0: none). */
    SHOTCACHE_LOCAL_CACHE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(64 * 1024 * 1024),

    /** A store call that takes longer counts as failed (the capture goes on without the cache). */
    SHOTCACHE_STORE_TIMEOUT_MS: positiveInt.default(1_000),
    /** After repeated store failures, how long to leave the store alone before trying it again. */
    SHOTCACHE_STORE_RETRY_MS: positiveInt.default(10_000),

    /** Custom TTL rules, tried before the built-in ones. */
    SHOTCACHE_TTL_RULES: ttlRulesText.default([]),
    /** TTL of a URL no rule matches. */
    SHOTCACHE_DEFAULT_TTL_SECONDS: positiveInt.max(MAX_TTL_SECONDS).default(DEFAULT_TTL_SECONDS),
    /** Upper bound on any TTL, a caller's included. */
    SHOTCACHE_MAX_TTL_SECONDS: positiveInt.max(MAX_TTL_SECONDS).default(7 * 24 * 60 * 60),
    /**
     * Where neither the caller nor a rule sets the TTL, it follows the page's changes (half the
     * expected time between them), within these bounds; `false` keeps the default TTL.
     */
    SHOTCACHE_ADAPTIVE_TTL: booleanText.default(true),
    SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS: positiveInt
      .max(MAX_TTL_SECONDS)
      .default(DEFAULT_ADAPTIVE_TTL.minSeconds),
    SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS: positiveInt
      .max(MAX_TTL_SECONDS)
      .default(DEFAULT_ADAPTIVE_TTL.maxSeconds),
    /** XFetch β: above 1 refreshes earlier. */
    SHOTCACHE_XFETCH_BETA: z.coerce.number().positive().max(10).default(1),

    // The production server (`pnpm start`); `next dev` and serverless hosts have their own.
    /** Port and address it listens on (loopback unless told otherwise). */
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    SHOTCACHE_HOST: z.string().min(1).default("127.0.0.1"),
    /**
     * Largest request line plus headers. The default holds a GET with every option at its limit
     * (`css` and `js` of 10 000 characters each, URL-encoded) and refuses a 100 KB query.
     */
    SHOTCACHE_MAX_HEADER_BYTES: positiveInt
      .min(16 * 1024)
      .max(1024 * 1024)
      .default(96 * 1024),
    /** Slow clients: longest wait for a request's headers, and for the whole request. */
    SHOTCACHE_HEADERS_TIMEOUT_MS: positiveInt.default(20_000),
    SHOTCACHE_REQUEST_TIMEOUT_MS: positiveInt.default(60_000),
    /** Idle keep-alive connections are kept longer than balancers keep theirs (AWS ALB: 60 s). */
    SHOTCACHE_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(65_000),
    /**
     * On SIGTERM/SIGINT, how long requests in flight (renders included) may take to finish.
     * Keep it under the orchestrator's own limit (Kubernetes kills after 30 s by default).
     */
    SHOTCACHE_SHUTDOWN_GRACE_MS: positiveInt.default(25_000),
  })
  .transform((env, context) => {
    const hasUpstash = Boolean(env.UPSTASH_REDIS_REST_URL || env.UPSTASH_REDIS_REST_TOKEN);
    const store =
      env.SHOTCACHE_STORE ??
      (hasUpstash ? "upstash" : env.REDIS_URL || env.REDIS_CLUSTER_NODES ? "redis" : "memory");
    const need = (name: keyof typeof env) => {
      if (!env[name])
        context.addIssue({
          code: "custom",
          path: [name],
          message: `is required for the ${store} store`,
        });
    };
    if (store === "upstash" || hasUpstash) {
      need("UPSTASH_REDIS_REST_URL");
      need("UPSTASH_REDIS_REST_TOKEN");
    }
    if (store === "redis" && !env.REDIS_CLUSTER_NODES) need("REDIS_URL");
    if (env.SHOTCACHE_BROWSER === "remote" && !env.SHOTCACHE_BROWSER_URL) {
      context.addIssue({
        code: "custom",
        path: ["SHOTCACHE_BROWSER_URL"],
        message: "is required when SHOTCACHE_BROWSER is remote (the browser's DevTools endpoint)",
      });
    }
    if (env.SHOTCACHE_RENDER === "queue" && !env.REDIS_URL && !env.REDIS_CLUSTER_NODES) {
      context.addIssue({
        code: "custom",
        path: ["SHOTCACHE_RENDER"],
        message: "queue needs Redis for its queue: set REDIS_URL or REDIS_CLUSTER_NODES",
      });
    }
    if (env.SHOTCACHE_HEADERS_TIMEOUT_MS > env.SHOTCACHE_REQUEST_TIMEOUT_MS) {
      context.addIssue({
        code: "custom",
        path: ["SHOTCACHE_HEADERS_TIMEOUT_MS"],
        message: "may not be longer than SHOTCACHE_REQUEST_TIMEOUT_MS",
      });
    }
    if (env.SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS > env.SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS) {
      context.addIssue({
        code: "custom",
        path: ["SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS"],
        message: "may not be more than SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS",
      });
    }
    if (env.SHOTCACHE_CAPTURE_REQUIRES_KEY && env.SHOTCACHE_API_KEYS.length === 0) {
      context.addIssue({
        code: "custom",
        path: ["SHOTCACHE_API_KEYS"],
        message: "is empty, but SHOTCACHE_CAPTURE_REQUIRES_KEY asks for keys",
      });
    }
    let cdnPurgers: CdnPurger[] = [];
    try {
      cdnPurgers = purgersFromConfig(env.SHOTCACHE_CDN_PURGE, {
        cloudflare: {
          token: env.SHOTCACHE_CLOUDFLARE_API_TOKEN,
          apiUrl: env.SHOTCACHE_CLOUDFLARE_API_URL,
        },
        fastly: { token: env.SHOTCACHE_FASTLY_API_TOKEN, apiUrl: env.SHOTCACHE_FASTLY_API_URL },
      });
    } catch (error) {
      context.addIssue({
        code: "custom",
        path: ["SHOTCACHE_CDN_PURGE"],
        message: (error as Error).message,
      });
    }
    const serverlessHost = serverlessHostOf(env);
    return {
      ...env,
      store,
      /**
       * The variable that shows a serverless runtime (`VERCEL`…), if one does: there the process
       * may be frozen between requests, so nothing runs on timers of its own.
       */
      serverlessHost,
      SHOTCACHE_READY_CONTEXTS: env.SHOTCACHE_READY_CONTEXTS ?? (serverlessHost ? 0 : undefined),
      /** One Redis server or a Redis Cluster: the store's, the rate limiters' and the queue's. */
      redis: { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES },
      cdnPurgers,
      ttlRules: [...env.SHOTCACHE_TTL_RULES, ...DEFAULT_TTL_RULES],
    };
  });

export type ServerEnv = z.output<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function parseServerEnv(env: Readonly<Record<string, string | undefined>>): ServerEnv {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
}
