import type { ApiContext } from "../context";
import { handleCachePurge } from "./cache";
import { CRON_WATCHES_PATH, handleCronWatches } from "./cron";
import { handleDevices } from "./devices";
import { handleHealth } from "./health";
import { handleInvalidate } from "./invalidate";
import { handleMetrics } from "./metrics";
import { handleOpenApi } from "./openapi";
import { problem } from "./problem";
import { handleScreenshot } from "./screenshot";
import { handleStats } from "./stats";
import type { RestHandler } from "./types";
import { handleWatch, handleWatches, WATCHES_PATH } from "./watches";

/**
 * Every REST endpoint by its path: the production server dispatches on this table, and the
 * Next.js route files (for `next dev` and serverless hosts) mount the same handlers.
 */
export const REST_ROUTES: Readonly<Record<string, RestHandler<ApiContext>>> = {
  "/api/v1/screenshot": handleScreenshot,
  "/api/v1/cache": handleCachePurge,
  "/api/v1/invalidate": handleInvalidate,
  "/api/v1/stats": handleStats,
  "/api/v1/devices": handleDevices,
  [WATCHES_PATH]: handleWatches,
  "/api/health": handleHealth,
  "/api/metrics": handleMetrics,
  "/api/openapi.json": handleOpenApi,
  [CRON_WATCHES_PATH]: handleCronWatches,
};

/** Endpoints under a path, by its prefix: `/api/v1/watches/{id}`. */
export const REST_PREFIX_ROUTES: Readonly<Record<string, RestHandler<ApiContext>>> = {
  [`${WATCHES_PATH}/`]: handleWatch,
};

/** Any other path under `/api/`: a problem document rather than an HTML page. */
export const handleUnknownApiPath: RestHandler<ApiContext> = async (request) =>
  problem("NOT_FOUND", `There is no endpoint at ${request.path}.`);
