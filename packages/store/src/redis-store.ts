import { randomUUID } from "node:crypto";
import { type CacheStore, HOUR_MS, HOURLY_RETENTION_HOURS } from "@shotcache/core";
import { Redis } from "ioredis";
import { decodeEntry, encodeEntry } from "./entry-codec";
import {
  DEFAULT_MAX_ENTRY_BYTES,
  DELETE_ENTRY_SCRIPT,
  PURGE_URL_SCRIPT,
  RECORD_STATS_SCRIPT,
  RELEASE_LOCK_SCRIPT,
  redisKeys,
  SET_ENTRY_SCRIPT,
  STORAGE_ADD_SCRIPT,
  STORAGE_READ_SCRIPT,
  STORAGE_REMOVE_SCRIPT,
} from "./redis-layout";
import { hashFromReply, hourStarts, snapshotFrom, statsFields } from "./stats-fields";

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
  shotcacheRecordStats: { numberOfKeys: 3, lua: RECORD_STATS_SCRIPT },
  shotcacheStorageAdd: { numberOfKeys: 2, lua: STORAGE_ADD_SCRIPT },
  shotcacheStorageRemove: { numberOfKeys: 2, lua: STORAGE_REMOVE_SCRIPT },
  shotcacheStorageRead: { numberOfKeys: 2, lua: STORAGE_READ_SCRIPT },
};

type Script = (...args: (string | Buffer | number)[]) => Promise<unknown>;
type ScriptCommands = { [name in keyof typeof SCRIPTS]: Script };

/** Seconds an hourly bucket is kept: its retention plus the hour itself. */
export const HOUR_BUCKET_TTL_SECONDS = (HOURLY_RETENTION_HOURS * HOUR_MS) / 1000 + 3600;

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

  const forgetStored = (entryKeys: string[]) =>
    entryKeys.length > 0
      ? redis.shotcacheStorageRemove(keys.storedEntries, keys.storedSizes, ...entryKeys)
      : undefined;

  return {
    kind: "redis",

    async get(key, urlKey) {
      const value = await redis.getBuffer(keys.entry(key, urlKey));
      return value ? decodeEntry(value) : undefined;
    },

    async set(key, urlKey, shot, ttlSeconds) {
      if (shot.bytes.byteLength > maxEntryBytes) return false;
      if (ttlSeconds <= 0) return true;
      const entryKey = keys.entry(key, urlKey);
      const keepSeconds = Math.ceil(ttlSeconds);
      await redis.shotcacheSetEntry(
        entryKey,
        keys.variants(urlKey),
        encodeEntry(shot),
        keepSeconds,
      );
      const leavesAt = Date.now() + keepSeconds * 1000;
      await redis.shotcacheStorageAdd(
        keys.storedEntries,
        keys.storedSizes,
        entryKey,
        shot.bytes.byteLength,
        leavesAt,
      );
      return true;
    },

    async delete(key, urlKey) {
      const entryKey = keys.entry(key, urlKey);
      const removed = (await redis.shotcacheDeleteEntry(entryKey, keys.variants(urlKey))) === 1;
      if (removed) await forgetStored([entryKey]);
      return removed;
    },

    async purgeUrl(urlKey) {
      const removed = (await redis.shotcachePurgeUrl(keys.variants(urlKey))) as string[];
      await forgetStored(removed);
      return removed.length;
    },

    async acquireLock(name, ttlMs) {
      const token = randomUUID();
      const taken = await redis.set(keys.lock(name), token, "PX", Math.ceil(ttlMs), "NX");
      return taken === "OK" ? token : undefined;
    },

    async releaseLock(name, token) {
      await redis.shotcacheReleaseLock(keys.lock(name), token);
    },

    async recordStats(event) {
      const { hour, counters, histograms } = statsFields(event);
      await redis.shotcacheRecordStats(
        keys.counters,
        keys.hour(hour),
        keys.histograms,
        HOUR_BUCKET_TTL_SECONDS,
        counters.length,
        ...counters.flat(),
        ...histograms.flat(),
      );
    },

    async readStats(query) {
      const starts = hourStarts(query.now, query.hours);
      const pipeline = redis.pipeline();
      pipeline.hgetall(keys.counters);
      pipeline.hgetall(keys.histograms);
      for (const start of starts) pipeline.hgetall(keys.hour(start));
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
      const hash = (index: number) => hashFromReply(replies[index]?.[1] as Record<string, string>);
      const [entries, bytes] = (await redis.shotcacheStorageRead(
        keys.storedEntries,
        keys.storedSizes,
        Date.now(),
      )) as [number, number];
      return snapshotFrom({
        counters: hash(0),
        histograms: hash(1),
        hourly: starts.map((start, index) => ({ hourStart: start, fields: hash(index + 2) })),
        storage: { entries, bytes },
      });
    },

    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
