export { type CacheKey, cacheKeyFor, OUTPUT_OPTIONS, urlKeyFor } from "./cache-key";
export { canonicalizeUrl } from "./canonical-url";
export {
  type CacheStats,
  type CacheStatus,
  type CaptureResult,
  type CaptureService,
  type CaptureServiceOptions,
  createCaptureService,
} from "./capture-service";
export { CAPTURE_ERROR_CODES, CaptureError, type CaptureErrorCode } from "./errors";
export { etagFor, ifNoneMatchMatches } from "./etag";
export {
  type CaptureInput,
  type CaptureOptions,
  captureOptionsObjectSchema,
  captureOptionsSchema,
  DEFAULT_LOSSY_QUALITY,
  IMAGE_FORMATS,
  type ImageFormat,
  MAX_URL_LENGTH,
  WAIT_UNTIL_EVENTS,
} from "./options";
export {
  CACHE_COUNTERS,
  type CacheCounter,
  type CacheStore,
  type CounterValues,
  type RenderedImage,
  type Renderer,
  type StoredShot,
} from "./ports";
export { captureInputFromQuery } from "./query-input";
export {
  DEFAULT_TTL_POLICY,
  DEFAULT_TTL_RULES,
  DEFAULT_TTL_SECONDS,
  type TtlPolicy,
  type TtlRule,
  ttlFor,
} from "./ttl-policy";
