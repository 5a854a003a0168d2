export {
  type CacheFacts,
  type CacheStats,
  type Capture,
  type CaptureInput,
  createShotcacheClient,
  type ShotcacheClient,
  type ShotcacheClientOptions,
} from "./client";
export { type CachedResponse, createMemoryETagCache, type ETagCache } from "./etag-cache";
