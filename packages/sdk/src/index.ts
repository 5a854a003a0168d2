import "./disposable-types";

export type {
  Batch,
  BatchCaptureReport,
  BatchInput,
  BatchReport,
  BatchResultsOptions,
} from "./batch";
export type { CallOptions } from "./call-options";
export {
  type CacheFacts,
  type CacheStats,
  type Capture,
  type CaptureInput,
  createShotcacheClient,
  type Diff,
  type History,
  type Metadata,
  type PageMetadata,
  type ShotcacheClient,
  type ShotcacheClientOptions,
  type Watch,
  type WatchInput,
} from "./client";
export {
  isShotcacheError,
  SHOTCACHE_ERROR_CODES,
  ShotcacheError,
  type ShotcacheErrorCode,
} from "./errors";
export { type CachedResponse, createMemoryETagCache, type ETagCache } from "./etag-cache";
export type { RetryOptions } from "./retry-fetch";
