import type { Cluster, Redis } from "ioredis";
import { SCRIPTS } from "./lua/scripts.generated";
import { connectRedis, type RedisConnection } from "./redis-connection";
import { HELD, type ScriptName } from "./redis-like/driver";
import { createRedisLikeStore } from "./redis-like-store";
import { DEFAULT_MAX_ENTRY_BYTES } from "./store-defaults";

export interface RedisStoreOptions extends RedisConnection {
  /** Prepended to every key, so several deployments can share one Redis. @default "shotcache:" */
  prefix?: string;
  /** Largest image stored; larger ones are refused. @default 8 MiB */
  maxEntryBytes?: number;
  /** Bytes of recently read images kept in this process (0: none). @default 64 MiB */
  localCacheMaxBytes?: number;
  /**
   * A command that takes longer fails. Only a backstop: the capture service's store guard sets
   * the deadlines callers wait for (1 s for reads, 10 s for writing a whole image), so this must
   * not be shorter than the longest of them. @default 10000
   */
  commandTimeoutMs?: number;
}

type ScriptCommand = (...args: (string | number | Buffer)[]) => Promise<unknown>;
/** ioredis defines each script as a command, and `…Buffer` for one that answers with bytes. */
type ScriptCommands = { [name in ScriptName]: ScriptCommand } & {
  [name in `${ScriptName}Buffer`]: ScriptCommand;
};

/**
 * Redis over TCP (Redis, Valkey, or a Redis Cluster: every command and script stays within one
 * slot), through ioredis: binary-safe (`getBuffer`), with script caching (`defineCommand` falls
 * back from EVALSHA to EVAL). Images are stored as raw bytes.
 */
export function createRedisStore(options: RedisStoreOptions) {
  const redis = connectRedis(options, {
    commandTimeout: options.commandTimeoutMs ?? 10_000,
    maxRetriesPerRequest: 1,
    // Keys are given per call: the number of keys comes first in every script call.
    scripts: Object.fromEntries(Object.entries(SCRIPTS).map(([name, lua]) => [name, { lua }])),
  }) as (Redis | Cluster) & ScriptCommands;
  // Commands wait for the first connection, but once connected, a command issued while the
  // connection is down fails at once: queued, it would run after the caller gave up (a lock
  // taken then would be held by no one until it expires).
  redis.once("ready", () => {
    redis.options.enableOfflineQueue = false;
  });

  return createRedisLikeStore(
    {
      kind: "redis",
      readFrame: async (key) => (await redis.getBuffer(key)) ?? undefined,
      readFrameUnlessHeld: async (key, head) => {
        const reply = (await redis.readEntryUnlessHeldBuffer(1, key, head)) as Buffer | 1 | null;
        return reply === 1 ? HELD : (reply ?? undefined);
      },
      frameValue: (frame) => frame,
      runScript: (name, keys, args) => redis[name](keys.length, ...keys, ...args),
      setIfAbsent: async (key, value, ttlMs) =>
        (await redis.set(key, value, "PX", ttlMs, "NX")) === "OK",
      deleteKeys: (keys) => redis.del(...keys),
      readSetMembers: (key) => redis.zrange(key, "0", "-1"),
      readList: (key) => redis.lrange(key, 0, -1),
      readHashes: async (keys) => {
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.hgetall(key);
        const replies = (await pipeline.exec()) ?? [];
        return replies.map(([error, reply]) => {
          if (error) throw error;
          return reply as Record<string, string>;
        });
      },
      close: async () => {
        await redis.quit().catch(() => redis.disconnect());
      },
    },
    {
      prefix: options.prefix,
      maxEntryBytes: options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
      localCacheMaxBytes: options.localCacheMaxBytes,
    },
  );
}
