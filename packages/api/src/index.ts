// Signing lives in core (the SDK's `sign` entry shares it); re-exported for server code.
export { signCapture, webhookSignature } from "@shotcache/core";
export {
  ACCESS_SCOPES,
  type Access,
  type AccessPolicy,
  type AccessScope,
  type ApiKey,
  OPEN_ACCESS,
  parseApiKey,
} from "./access";
export { type ApiServer, createApiServer, type HttpLimits } from "./api-server";
export { cacheHeaders } from "./cache-headers";
export {
  type ClientAddressResolver,
  clientAddressResolver,
  type TrustedProxies,
} from "./client-address";
export type { ApiContext } from "./context";
export { type ApiErrorCode, ERROR_KINDS } from "./error-codes";
export type { FieldError } from "./field-errors";
export type { MetadataAnswer } from "./metadata-answer";
export { createMetrics, type Metrics } from "./metrics";
export { batchQuota, type RateLimits } from "./rate-limit";
export type { BrowserSourceKind, RenderLoad } from "./render-load";
export type { RequestLogger } from "./request-log";
export { handleBatch, handleBatches } from "./rest/batches";
export { handleCachePurge } from "./rest/cache";
export { CRON_WATCHES_PATH, handleCronWatches } from "./rest/cron";
export { handleDevices } from "./rest/devices";
export { fetchHandler, restRequestFrom } from "./rest/fetch-adapter";
export { handleHealth } from "./rest/health";
export { handleDiff, handleHistory, handleHistoryImage } from "./rest/history";
export { handleInvalidate } from "./rest/invalidate";
export { handleMetadata } from "./rest/metadata";
export { handleMetrics } from "./rest/metrics";
export { nodeHandler } from "./rest/node-adapter";
export { problem } from "./rest/problem";
export { handleOpenApi } from "./rest/routes";
export { handleScreenshot } from "./rest/screenshot";
export { handleStats } from "./rest/stats";
export type { RestHandler, RestRequest, RestResponse } from "./rest/types";
export { handleWatch, handleWatches } from "./rest/watches";
export { type AppRouter, appRouter } from "./root";
export { handleTrpcRequest, type TrpcRequestOptions } from "./trpc-handler";
