export { createMemoryStore, type MemoryStoreOptions } from "./memory-store";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  createUpstashRateLimiter,
  type RateLimitOptions,
} from "./rate-limiters";
export { connectRedis, type RedisConnection } from "./redis-connection";
export { createRedisStore, type RedisStoreOptions } from "./redis-store";
export { DEFAULT_MAX_ENTRY_BYTES } from "./store-defaults";
export {
  createUpstashStore,
  UPSTASH_MAX_ENTRY_BYTES,
  type UpstashStoreOptions,
} from "./upstash-store";
