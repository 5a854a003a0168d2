import type { ApiContext } from "../context";
import { batchesRoute, batchRoute } from "./batches";
import { cachePurgeRoute } from "./cache";
import { cronWatchesRoute } from "./cron";
import { devicesRoute } from "./devices";
import { healthRoute } from "./health";
import { diffRoute, historyImageRoute, historyRoute } from "./history";
import { invalidateRoute } from "./invalidate";
import { metadataRoute } from "./metadata";
import { metricsRoute } from "./metrics";
import { openApiRoute } from "./openapi";
import { problem } from "./problem";
import { screenshotRoute } from "./screenshot";
import { statsRoute } from "./stats";
import type { RestHandler, RestRoute } from "./types";
import { watchesRoute, watchRoute } from "./watches";

/** Serves the OpenAPI document of the list below, itself included. */
const documentRoute = openApiRoute(() => REST_ROUTE_LIST);

/**
 * Every REST endpoint, each with its handler and its own OpenAPI description: the production
 * server dispatches on the tables made from it below, `GET /api/openapi.json` lists it in this
 * order, and the Next.js route files (for `next dev` and serverless hosts) mount the same handlers.
 */
export const REST_ROUTE_LIST: readonly RestRoute[] = [
  screenshotRoute,
  metadataRoute,
  historyRoute,
  historyImageRoute,
  diffRoute,
  cachePurgeRoute,
  statsRoute,
  watchesRoute,
  watchRoute,
  batchesRoute,
  batchRoute,
  invalidateRoute,
  devicesRoute,
  cronWatchesRoute,
  healthRoute,
  metricsRoute,
  documentRoute,
];

/** `GET /api/openapi.json`: the OpenAPI document of the routes above. */
export const handleOpenApi = documentRoute.handler;

/** Where a path's first parameter starts (`/api/v1/watches/{id}`), or -1 for a fixed path. */
const parameterStart = (path: string) => path.indexOf("{");

/** The fixed paths, which the production server (api-server.ts) answers by exact match. */
export const REST_ROUTES: Readonly<Record<string, RestHandler<ApiContext>>> = Object.fromEntries(
  REST_ROUTE_LIST.filter(({ path }) => parameterStart(path) === -1).map(({ path, handler }) => [
    path,
    handler,
  ]),
);

/** The paths with a parameter, by what precedes it: `/api/v1/watches/` for `/api/v1/watches/{id}`. */
export const REST_PREFIX_ROUTES: Readonly<Record<string, RestHandler<ApiContext>>> =
  Object.fromEntries(
    REST_ROUTE_LIST.filter(({ path }) => parameterStart(path) !== -1).map(({ path, handler }) => [
      path.slice(0, parameterStart(path)),
      handler,
    ]),
  );

/** Any other path under `/api/`: a problem document rather than an HTML page. */
export const handleUnknownApiPath: RestHandler<ApiContext> = async (request) =>
  problem("NOT_FOUND", `There is no endpoint at ${request.path}.`);
