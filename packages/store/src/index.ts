export { createMemoryStore, type MemoryStoreOptions } from "./memory-store";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  createUpstashRateLimiter,
  type RateLimitOptions,
} from "./rate-limiters";
export { createRedisStore, type RedisStoreOptions } from "./redis-store";
export {
  createUpstashStore,
  UPSTASH_MAX_ENTRY_BYTES,
  type UpstashStoreOptions,
} from "./upstash-store";
