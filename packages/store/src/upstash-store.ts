import { randomUUID } from "node:crypto";
import type { CacheStore } from "@shotcache/core";
import { Redis } from "@upstash/redis";
import { decodeEntry, encodeEntry } from "./entry-codec";
import {
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
import { HOUR_BUCKET_TTL_SECONDS } from "./redis-store";
import { hashFromReply, hourStarts, snapshotFrom, statsFields } from "./stats-fields";

/**
 * Largest raw image stored on Upstash: its base64 form plus metadata must fit one 10 MB request
 * (Upstash's limit), and base64 makes 7 MB about 9.4 MB.
 */
export const UPSTASH_MAX_ENTRY_BYTES = 7_000_000;

export interface UpstashStoreOptions {
  /** UPSTASH_REDIS_REST_URL */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN */
  token: string;
  /** Prepended to every key, so several deployments can share one database. @default "shotcache:" */
  prefix?: string;
  /** Largest image stored; larger ones are refused. @default 7 MB */
  maxEntryBytes?: number;
  /** A request that takes longer is aborted, so a slow store cannot hold a capture. @default 2000 */
  requestTimeoutMs?: number;
}

/**
 * Upstash Redis over its REST API, through `@upstash/redis`. That client only moves text, so an
 * entry is stored as base64 of the same frame the TCP store keeps as bytes. Responses come
 * unencoded (our values are already ASCII) and commands are not auto-pipelined, so large image
 * writes never share one HTTP body. Scripts keep each operation to one billed command.
 */
export function createUpstashStore(options: UpstashStoreOptions): CacheStore {
  const keys = redisKeys(options.prefix ?? "shotcache:");
  const maxEntryBytes = options.maxEntryBytes ?? UPSTASH_MAX_ENTRY_BYTES;
  const timeoutMs = options.requestTimeoutMs ?? 2000;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    automaticDeserialization: false,
    responseEncoding: false,
    enableAutoPipelining: false,
    enableTelemetry: false,
    retry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
  const script = <T>(lua: string) => redis.createScript<T>(lua);
  const setEntry = script<number>(SET_ENTRY_SCRIPT);
  const deleteEntry = script<number>(DELETE_ENTRY_SCRIPT);
  const purgeUrl = script<string[]>(PURGE_URL_SCRIPT);
  const releaseLock = script<number>(RELEASE_LOCK_SCRIPT);
  const recordStats = script<number>(RECORD_STATS_SCRIPT);
  const storageAdd = script<number>(STORAGE_ADD_SCRIPT);
  const storageRemove = script<number>(STORAGE_REMOVE_SCRIPT);
  const storageRead = script<[number, number]>(STORAGE_READ_SCRIPT);
  const storageKeys = [keys.storedEntries, keys.storedSizes];

  const forgetStored = (entryKeys: string[]) =>
    entryKeys.length > 0 ? storageRemove.exec(storageKeys, entryKeys) : undefined;

  return {
    kind: "upstash",

    async get(key, urlKey) {
      const value = await redis.get<string>(keys.entry(key, urlKey));
      return value ? decodeEntry(Buffer.from(value, "base64")) : undefined;
    },

    async set(key, urlKey, shot, ttlSeconds) {
      if (shot.bytes.byteLength > maxEntryBytes) return false;
      if (ttlSeconds <= 0) return true;
      const entryKey = keys.entry(key, urlKey);
      const keepSeconds = Math.ceil(ttlSeconds);
      await setEntry.exec(
        [entryKey, keys.variants(urlKey)],
        [encodeEntry(shot).toString("base64"), String(keepSeconds)],
      );
      const leavesAt = Date.now() + keepSeconds * 1000;
      await storageAdd.exec(storageKeys, [
        entryKey,
        String(shot.bytes.byteLength),
        String(leavesAt),
      ]);
      return true;
    },

    async delete(key, urlKey) {
      const entryKey = keys.entry(key, urlKey);
      const removed = (await deleteEntry.exec([entryKey, keys.variants(urlKey)], [])) === 1;
      if (removed) await forgetStored([entryKey]);
      return removed;
    },

    async purgeUrl(urlKey) {
      const removed = await purgeUrl.exec([keys.variants(urlKey)], []);
      await forgetStored(removed);
      return removed.length;
    },

    async acquireLock(name, ttlMs) {
      const token = randomUUID();
      const taken = await redis.set(keys.lock(name), token, { nx: true, px: Math.ceil(ttlMs) });
      return taken === "OK" ? token : undefined;
    },

    async releaseLock(name, token) {
      await releaseLock.exec([keys.lock(name)], [token]);
    },

    async recordStats(event) {
      const { hour, counters, histograms } = statsFields(event);
      await recordStats.exec(
        [keys.counters, keys.hour(hour), keys.histograms],
        [HOUR_BUCKET_TTL_SECONDS, counters.length, ...counters.flat(), ...histograms.flat()].map(
          String,
        ),
      );
    },

    async readStats(query) {
      const starts = hourStarts(query.now, query.hours);
      const pipeline = redis.pipeline();
      pipeline.hgetall(keys.counters);
      pipeline.hgetall(keys.histograms);
      for (const start of starts) pipeline.hgetall(keys.hour(start));
      // Without automatic deserialization the client hands HGETALL's flat list back as it is.
      const replies = (await pipeline.exec()) as (string[] | null)[];
      const [entries, bytes] = await storageRead.exec(storageKeys, [String(Date.now())]);
      const hash = (index: number) => hashFromReply(replies[index] ?? null);
      return snapshotFrom({
        counters: hash(0),
        histograms: hash(1),
        hourly: starts.map((start, index) => ({ hourStart: start, fields: hash(index + 2) })),
        storage: { entries: Number(entries), bytes: Number(bytes) },
      });
    },

    async close() {},
  };
}
