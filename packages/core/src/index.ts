export {
  BATCH_KEEP_SECONDS,
  type BatchCaller,
  type BatchCaptureReport,
  type BatchCaptureStatus,
  type BatchDelivery,
  type BatchInput,
  BatchLimitError,
  type BatchProgress,
  type BatchReport,
  type BatchRequest,
  type BatchService,
  type BatchStore,
  batchInputSchema,
  MAX_BATCH_CAPTURES,
  type StoredBatch,
} from "./batches";
export {
  CACHE_CONTROL_OPTIONS,
  type CacheKey,
  CHANGE_ANALYSIS_OPTIONS,
  cacheKeyFor,
  LATER_OUTPUT_OPTIONS,
  OUTPUT_OPTIONS,
  surrogateKeysOf,
  urlKeyFor,
  urlTagOf,
} from "./cache-key";
export {
  type BypassReason,
  CACHE_BUSTING_PARAMS,
  type CachePolicy,
  type CachingDecision,
  DEFAULT_ADAPTIVE_TTL,
  DEFAULT_CACHE_POLICY,
  decideCaching,
  type TtlSource,
} from "./cache-policy";
export { CACHE_STATUSES, type CacheStatus } from "./cache-status";
export { canonicalizeUrl } from "./canonical-url";
export type {
  CacheReason,
  CaptureResult,
  PurgeOutcome,
  PurgeRequest,
  VariantReport,
} from "./capture-result";
export { createCaptureService } from "./capture-service";
export type {
  CaptureHow,
  CaptureService,
  CaptureServiceOptions,
} from "./capture-service-types";
export {
  type CdnPurgeOptions,
  type CdnPurgeReport,
  createCdnPurge,
  mergePurgeOutcomes,
} from "./cdn-purge";
export {
  type AdaptiveTtlOptions,
  adaptiveTtlSeconds,
  changeFactsOf,
  expectedChangeIntervalSeconds,
  HISTORY_KEEP_SECONDS,
  intervalClosedBy,
  intervalsOf,
  type ObservedInterval,
  observe,
  type RenderNote,
  type RenderObservation,
  URL_INTERVALS_KEPT,
  VARIANT_RENDERS_KEPT,
} from "./change-history";
export { maskSignature, masksOf } from "./change-masks";
export {
  CACHE_COUNTERS,
  type CacheCounter,
  type CounterValues,
  OUTCOME_COUNTERS,
  zeroCounters,
} from "./counters";
export { DEVICE_PRESETS, type DevicePreset, devicePreset } from "./devices";
export { CAPTURE_ERROR_CODES, CaptureError, type CaptureErrorCode } from "./errors";
export { etagFor, ifNoneMatchMatches, notModified } from "./etag";
export { guardStore, type StoreGuardOptions, StoreUnavailableError } from "./guarded-store";
export { shortHash } from "./hash";
export {
  createHistoryService,
  type DiffPick,
  type HistoryService,
  type VersionDiff,
  type VersionReport,
} from "./history-service";
export { HTML_PAGE_ORIGIN, htmlPageUrl, MAX_HTML_BYTES } from "./html-input";
export { metadataOptionsObjectSchema, metadataRequestSchema } from "./metadata-request";
export {
  BLOCKABLE_RESOURCES,
  CAPTURE_FORMATS,
  type CaptureFormat,
  type CaptureInput,
  type CaptureOptions,
  captureOptionsObjectSchema,
  captureOptionsSchema,
  contentTypeOf,
  DEFAULT_LOSSY_QUALITY,
  extensionOf,
  MAX_TTL_SECONDS,
  MAX_URL_LENGTH,
  MEDIA_TYPES,
  PAPER_SIZES,
  pageUrlSchema,
  purgeRequestSchema,
  WAIT_UNTIL_EVENTS,
} from "./options";
export type { PageMetadata } from "./page-metadata";
export type {
  CdnPurger,
  ChangeInput,
  ChangeMeter,
  RateLimitDecision,
  RateLimiter,
  RenderedImage,
  Renderer,
  WebhookSender,
} from "./ports";
export { captureInputFromQuery } from "./query-input";
export {
  checkSignature,
  EXPIRES_PARAM,
  queryPairs,
  SIGNATURE_HEADER,
  SIGNATURE_PARAM,
  type SignableInput,
  type SignatureCheck,
  type SignedPurpose,
  screenshotPathOf,
  signCapture,
  signedDiffPath,
  signedScreenshotPath,
  TIMESTAMP_HEADER,
  webhookSignature,
} from "./signing";
export {
  AGE_BOUNDS_S,
  bucketIndex,
  COUNTED_URLS_KEPT,
  createStatsBuffer,
  emptyHistogram,
  type Histogram,
  HOUR_MS,
  HOURLY_RETENTION_HOURS,
  hourStart,
  type KeyUsage,
  keyUsageFrom,
  LATENCY_BOUNDS_MS,
  PURGE_LAG_BOUNDS_MS,
  type PurgeRecord,
  type Quantiles,
  quantiles,
  RECENT_PURGES_KEPT,
  type StatsDelta,
  type StatsEvent,
  type StatsSnapshot,
  TOP_URLS_REPORTED,
  type UrlRecord,
} from "./stats";
export {
  type CacheStats,
  type CounterReport,
  deriveStats,
  type TopUrl,
} from "./stats-report";
export {
  type CacheStore,
  type EntryRead,
  type EntryStore,
  isStoredObject,
  type LockStore,
  PUBLIC_URLS_KEPT,
  type PublicUrlStore,
  type RenderHistoryStore,
  type SetOutcome,
  type StatsStore,
  type StoredObject,
  type StoredShot,
  type StoredVariant,
  type StoreHandle,
  type WatchStore,
} from "./store-ports";
export {
  DEFAULT_TTL_POLICY,
  DEFAULT_TTL_RULES,
  DEFAULT_TTL_SECONDS,
  type TtlPolicy,
  type TtlRule,
  ttlFor,
} from "./ttl-policy";
export {
  DEFAULT_HISTORY_VERSIONS,
  MAX_HISTORY_VERSIONS,
  MAX_MASK_SIGNATURES,
  type NewVersion,
  type Region,
  type StoredVersion,
  type VersionFacts,
  type VersionStore,
  withRatio,
} from "./versions";
export {
  type Geolocation,
  geolocationSchema,
  localeSchema,
  timezoneSchema,
} from "./visitor-options";
export {
  MAX_WATCH_EVERY_SECONDS,
  type Watch,
  type WatchDelivery,
  type WatchedOptions,
  type WatchInput,
  WatchLimitError,
  type WatchRequest,
  type WatchRunOutcome,
  type WatchRunReport,
  type WatchService,
  watchInputSchema,
  watchRequestSchema,
} from "./watches";
export { shouldRefreshEarly } from "./xfetch";
