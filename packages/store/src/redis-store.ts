import { randomUUID } from "node:crypto";
import type { CacheStore, CounterValues } from "@shotcache/core";
import { Redis } from "ioredis";
import { decodeEntry, encodeEntry } from "./entry-codec";
import { zeroCounters } from "./memory-store";
import {
  DEFAULT_MAX_ENTRY_BYTES,
  DELETE_ENTRY_SCRIPT,
  PURGE_URL_SCRIPT,
  RELEASE_LOCK_SCRIPT,
  redisKeys,
  SET_ENTRY_SCRIPT,
} from "./redis-layout";

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prepended to every key, so several deployments can share one Redis. @default "shotcache:" */
  prefix?: string;
  /** Largest image stored; larger ones are refused. @default 8 MiB */
  maxEntryBytes?: number;
  /** A command that takes longer fails, so a slow Redis cannot hold a capture. @default 1000 */
  commandTimeoutMs?: number;
}

const SCRIPTS = {
  shotcacheSetEntry: { numberOfKeys: 2, lua: SET_ENTRY_SCRIPT },
  shotcacheDeleteEntry: { numberOfKeys: 2, lua: DELETE_ENTRY_SCRIPT },
  shotcachePurgeUrl: { numberOfKeys: 1, lua: PURGE_URL_SCRIPT },
  shotcacheReleaseLock: { numberOfKeys: 1, lua: RELEASE_LOCK_SCRIPT },
};

type ScriptCommands = {
  [name in keyof typeof SCRIPTS]: (...args: (string | Buffer | number)[]) => Promise<number>;
};

/**
 * Redis over TCP (Redis, Valkey, or a cluster's single-slot commands), through ioredis: the
 * most used Node client, binary-safe (`getBuffer`), with script caching (`defineCommand` falls
 * back from EVALSHA to EVAL) and Cluster and Sentinel support when a deployment needs them.
 * Images are stored as raw bytes.
 */
export function createRedisStore(options: RedisStoreOptions): CacheStore {
  const keys = redisKeys(options.prefix ?? "shotcache:");
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const redis = new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs ?? 1000,
    maxRetriesPerRequest: 1,
    scripts: SCRIPTS,
  }) as Redis & ScriptCommands;
  // Failures reach callers through their commands; without a listener ioredis logs each one.
  redis.on("error", () => {});
  // Commands wait for the first connection, but once connected, a command issued while the
  // connection is down fails at once: queued, it would run after the caller gave up (a lock
  // taken then would be held by no one until it expires).
  redis.once("ready", () => {
    redis.options.enableOfflineQueue = false;
  });

  return {
    kind: "redis",

    async get(key, urlKey) {
      const value = await redis.getBuffer(keys.entry(key, urlKey));
      return value ? decodeEntry(value) : undefined;
    },

    async set(key, urlKey, shot, ttlSeconds) {
      if (shot.bytes.byteLength > maxEntryBytes) return false;
      if (ttlSeconds <= 0) return true;
      await redis.shotcacheSetEntry(
        keys.entry(key, urlKey),
        keys.variants(urlKey),
        encodeEntry(shot),
        Math.ceil(ttlSeconds),
      );
      return true;
    },

    async delete(key, urlKey) {
      return (await redis.shotcacheDeleteEntry(keys.entry(key, urlKey), keys.variants(urlKey))) > 0;
    },

    async purgeUrl(urlKey) {
      return redis.shotcachePurgeUrl(keys.variants(urlKey));
    },

    async acquireLock(name, ttlMs) {
      const token = randomUUID();
      const taken = await redis.set(keys.lock(name), token, "PX", Math.ceil(ttlMs), "NX");
      return taken === "OK" ? token : undefined;
    },

    async releaseLock(name, token) {
      await redis.shotcacheReleaseLock(keys.lock(name), token);
    },

    async incrementCounters(deltas) {
      const pipeline = redis.pipeline();
      for (const [name, delta] of Object.entries(deltas)) {
        if (delta) pipeline.hincrby(keys.counters, name, delta);
      }
      if (pipeline.length > 0) await pipeline.exec();
    },

    async readCounters() {
      return countersFrom(await redis.hgetall(keys.counters));
    },

    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Counter values read from a hash, given as an object or as HGETALL's flat field/value list;
 * fields we do not know are ignored, missing ones are 0.
 */
export function countersFrom(reply: Record<string, unknown> | unknown[] | null): CounterValues {
  const hash: Record<string, unknown> = Array.isArray(reply)
    ? Object.fromEntries(
        Array.from({ length: reply.length / 2 }, (_, i) => [
          String(reply[2 * i]),
          reply[2 * i + 1],
        ]),
      )
    : (reply ?? {});
  const counters = zeroCounters();
  for (const name of Object.keys(counters) as (keyof CounterValues)[]) {
    const value = Number(hash[name] ?? 0);
    if (Number.isFinite(value)) counters[name] = value;
  }
  return counters;
}
