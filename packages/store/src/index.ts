export { createMemoryStore, type MemoryStoreOptions } from "./memory-store";
export { createRedisStore, type RedisStoreOptions } from "./redis-store";
export {
  createUpstashStore,
  UPSTASH_MAX_ENTRY_BYTES,
  type UpstashStoreOptions,
} from "./upstash-store";
