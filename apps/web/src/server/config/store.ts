/**
 * @module Where cached images live: memory, Redis (or a Redis Cluster) or Upstash, with their
 * bytes in an S3-compatible bucket when one is configured.
 */
import { z } from "zod";
import { booleanText, commaList, nonNegativeInt, positiveInt } from "./parsers";

export const storeSettings = {
  title: "Store",
  variables: z.object({
    SHOTCACHE_STORE: z.enum(["memory", "redis", "upstash"]).optional().meta({
      description:
        "`memory`, `redis` or `upstash`; unset: Upstash when its variables are set, else Redis when `REDIS_URL` or `REDIS_CLUSTER_NODES` is, else memory",
      shownDefault: "chosen",
    }),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
      .optional()
      .meta({ description: "`redis://` or `rediss://` URL of Redis or Valkey" }),
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
      .optional()
      .meta({
        description:
          "`host:port,…` of a Redis (or Valkey) Cluster; `REDIS_URL`, if set too, then gives only the credentials and TLS",
      }),
    UPSTASH_REDIS_REST_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({ description: "REST URL of an Upstash Redis database" }),
    UPSTASH_REDIS_REST_TOKEN: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "REST token of that database" }),
    SHOTCACHE_KEY_PREFIX: z
      .string()
      .min(1)
      .max(64)
      .default("shotcache:")
      .meta({ description: "prefix of every Redis key" }),
    SHOTCACHE_MEMORY_MAX_BYTES: positiveInt.default(256 * 1024 * 1024).meta({
      description: "byte cap of the in-memory cache (least recently used entries go first)",
    }),
    SHOTCACHE_MAX_ENTRY_BYTES: positiveInt.optional().meta({
      description: "larger images are served but not stored",
      shownDefault: "8 MiB (Upstash 7 MB)",
    }),
    SHOTCACHE_LOCAL_CACHE_MAX_BYTES: nonNegativeInt.default(64 * 1024 * 1024).meta({
      description:
        "Redis/Upstash, or a bucket: recently served images also kept in this process; each hit still asks the store (0 = off)",
    }),
    SHOTCACHE_STORE_TIMEOUT_MS: positiveInt.default(1_000).meta({
      description: "a slower store call counts as failed (the capture goes on without the cache)",
    }),
    SHOTCACHE_STORE_RETRY_MS: positiveInt.default(10_000).meta({
      description: "after repeated store failures, how long to leave the store alone",
    }),
    SHOTCACHE_OBJECT_STORE: z
      .string()
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/,
        "must be s3://bucket or s3://bucket/prefix",
      )
      .optional()
      .meta({
        description:
          "`s3://bucket/prefix`: images go to this bucket, the store keeps the rest; credentials as the AWS SDK reads them (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, a profile or a role)",
      }),
    SHOTCACHE_S3_ENDPOINT: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({
        description:
          "endpoint of an S3-compatible service (R2, B2, MinIO, Ceph, Swift); unset: AWS S3",
      }),
    AWS_REGION: z.string().min(1).optional().meta({
      description:
        "the bucket's region, as the AWS SDK reads it; unset: `AWS_DEFAULT_REGION`, else `us-east-1` (a profile's region is not read)",
    }),
    AWS_DEFAULT_REGION: z.string().min(1).optional().meta({
      description: "the bucket's region where `AWS_REGION` is unset",
    }),
    SHOTCACHE_OBJECT_MIN_BYTES: nonNegativeInt.default(16 * 1024).meta({
      description:
        "smaller images stay in the store, so their hits take one round trip (0: all go to the bucket)",
    }),
    SHOTCACHE_OBJECT_REDIRECT: booleanText.default(false).meta({
      description:
        "a REST hit on an image in the bucket answers 302 to a presigned URL of it (valid 5 minutes) instead of its bytes",
    }),
  }),
};

type StoreVariables = z.output<typeof storeSettings.variables>;
export type StoreKind = "memory" | "redis" | "upstash";

/** The store a configuration asks for, by name or by the variables that are set. */
export function storeKindOf(variables: StoreVariables): StoreKind {
  if (variables.SHOTCACHE_STORE) return variables.SHOTCACHE_STORE;
  if (variables.UPSTASH_REDIS_REST_URL || variables.UPSTASH_REDIS_REST_TOKEN) return "upstash";
  return variables.REDIS_URL || variables.REDIS_CLUSTER_NODES ? "redis" : "memory";
}

export function storeConfigOf(variables: StoreVariables) {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = variables;
  return {
    kind: storeKindOf(variables),
    keyPrefix: variables.SHOTCACHE_KEY_PREFIX,
    memoryMaxBytes: variables.SHOTCACHE_MEMORY_MAX_BYTES,
    maxEntryBytes: variables.SHOTCACHE_MAX_ENTRY_BYTES,
    localCacheMaxBytes: variables.SHOTCACHE_LOCAL_CACHE_MAX_BYTES,
    /** One Redis server or a Redis Cluster: the store's, the rate limiters' and the queue's. */
    redis: { url: variables.REDIS_URL, clusterNodes: variables.REDIS_CLUSTER_NODES },
    upstash: url && token ? { url, token } : undefined,
    /** The bucket that keeps the images, when one is configured. */
    objects: variables.SHOTCACHE_OBJECT_STORE
      ? {
          location: variables.SHOTCACHE_OBJECT_STORE,
          endpoint: variables.SHOTCACHE_S3_ENDPOINT,
          region: variables.AWS_REGION ?? variables.AWS_DEFAULT_REGION ?? "us-east-1",
          minBytes: variables.SHOTCACHE_OBJECT_MIN_BYTES,
          redirect: variables.SHOTCACHE_OBJECT_REDIRECT,
        }
      : undefined,
    /** A store call slower than `timeoutMs` fails; after repeated failures, `openMs` of rest. */
    guard: {
      timeoutMs: variables.SHOTCACHE_STORE_TIMEOUT_MS,
      openMs: variables.SHOTCACHE_STORE_RETRY_MS,
    },
  };
}

export type StoreConfig = ReturnType<typeof storeConfigOf>;
