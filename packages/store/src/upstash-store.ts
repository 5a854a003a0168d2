import { Redis } from "@upstash/redis";
import { SCRIPTS } from "./lua/scripts.generated";
import { HELD, type ScriptName } from "./redis-like/driver";
import { createRedisLikeStore } from "./redis-like-store";

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
  /** Largest image stored, at most 7 MB; larger ones are refused. @default 7 MB */
  maxEntryBytes?: number;
  /** Bytes of recently read images kept in this process (0: none). @default 64 MiB */
  localCacheMaxBytes?: number;
  /** A request that takes longer is aborted. @default 10000 (an image write can be 9 MB) */
  requestTimeoutMs?: number;
}

/**
 * Upstash Redis over its REST API, through `@upstash/redis`. That client only moves text, so an
 * entry is stored as base64 of the same frame the TCP store keeps as bytes. Responses come
 * unencoded (our values are already ASCII) and commands are not auto-pipelined, so large image
 * writes never share one HTTP body. Every script declares its keys and `allow-key-locking`, so
 * Upstash locks only those keys instead of the whole database.
 */
export function createUpstashStore(options: UpstashStoreOptions) {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
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
  const scripts = Object.fromEntries(
    Object.entries(SCRIPTS).map(([name, lua]) => [
      name,
      redis.createScript(`#!lua flags=allow-key-locking\n${lua}`),
    ]),
  ) as Record<ScriptName, ReturnType<typeof redis.createScript>>;
  // Loaded once up front: otherwise the first call of each script sends EVALSHA, fails with
  // NOSCRIPT and sends EVAL, uploading a 9 MB image write twice.
  const loaded = Promise.all(
    Object.values(scripts).map((script) => redis.scriptLoad(script.script)),
  )
    .then(() => {})
    .catch(() => {}); // the EVALSHA → EVAL fallback still works without it

  return createRedisLikeStore(
    {
      kind: "upstash",
      readFrame: async (key) => {
        const value = await redis.get<string>(key);
        return value ? Buffer.from(value, "base64") : undefined;
      },
      readFrameUnlessHeld: async (key, head) => {
        await loaded;
        const reply = await scripts.readEntryUnlessHeld.exec([key], [String(head)]);
        return reply === 1
          ? HELD
          : typeof reply === "string"
            ? Buffer.from(reply, "base64")
            : undefined;
      },
      frameValue: (frame) => frame.toString("base64"),
      runScript: async (name, keys, args) => {
        await loaded;
        return scripts[name].exec(keys, args.map(String));
      },
      setIfAbsent: async (key, value, ttlMs) =>
        (await redis.set(key, value, { nx: true, px: ttlMs })) === "OK",
      deleteKeys: (keys) => redis.del(...keys),
      readSetMembers: (key) => redis.zrange<string[]>(key, 0, -1),
      readList: (key) => redis.lrange<string>(key, 0, -1),
      readHashes: async (keys) => {
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.hgetall(key);
        // Without automatic deserialization the client hands HGETALL's flat list back as it is.
        return (await pipeline.exec()) as (unknown[] | null)[];
      },
      close: async () => {},
    },
    {
      prefix: options.prefix,
      maxEntryBytes: Math.min(
        options.maxEntryBytes ?? UPSTASH_MAX_ENTRY_BYTES,
        UPSTASH_MAX_ENTRY_BYTES,
      ),
      localCacheMaxBytes: options.localCacheMaxBytes,
    },
  );
}
