import { randomUUID } from "node:crypto";
import type { CacheStore } from "@shotcache/core";
import { Redis } from "@upstash/redis";
import { decodeEntry, encodeEntry } from "./entry-codec";
import {
  DELETE_ENTRY_SCRIPT,
  PURGE_URL_SCRIPT,
  RELEASE_LOCK_SCRIPT,
  redisKeys,
  SET_ENTRY_SCRIPT,
} from "./redis-layout";
import { countersFrom } from "./redis-store";

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
 * writes never share one HTTP body.
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
  const setEntry = redis.createScript<number>(SET_ENTRY_SCRIPT);
  const deleteEntry = redis.createScript<number>(DELETE_ENTRY_SCRIPT);
  const purgeUrl = redis.createScript<number>(PURGE_URL_SCRIPT);
  const releaseLock = redis.createScript<number>(RELEASE_LOCK_SCRIPT);

  return {
    kind: "upstash",

    async get(key, urlKey) {
      const value = await redis.get<string>(keys.entry(key, urlKey));
      return value ? decodeEntry(Buffer.from(value, "base64")) : undefined;
    },

    async set(key, urlKey, shot, ttlSeconds) {
      if (shot.bytes.byteLength > maxEntryBytes) return false;
      if (ttlSeconds <= 0) return true;
      await setEntry.exec(
        [keys.entry(key, urlKey), keys.variants(urlKey)],
        [encodeEntry(shot).toString("base64"), String(Math.ceil(ttlSeconds))],
      );
      return true;
    },

    async delete(key, urlKey) {
      return (await deleteEntry.exec([keys.entry(key, urlKey), keys.variants(urlKey)], [])) > 0;
    },

    async purgeUrl(urlKey) {
      return purgeUrl.exec([keys.variants(urlKey)], []);
    },

    async acquireLock(name, ttlMs) {
      const token = randomUUID();
      const taken = await redis.set(keys.lock(name), token, { nx: true, px: Math.ceil(ttlMs) });
      return taken === "OK" ? token : undefined;
    },

    async releaseLock(name, token) {
      await releaseLock.exec([keys.lock(name)], [token]);
    },

    async incrementCounters(deltas) {
      const changed = Object.entries(deltas).filter(([, delta]) => delta);
      if (changed.length === 0) return;
      const pipeline = redis.pipeline();
      for (const [name, delta] of changed) pipeline.hincrby(keys.counters, name, delta ?? 0);
      await pipeline.exec();
    },

    async readCounters() {
      // Without automatic deserialization the client hands HGETALL's flat list back as it is.
      return countersFrom(await redis.hgetall(keys.counters));
    },

    async close() {},
  };
}
