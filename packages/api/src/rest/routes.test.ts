import { describe, expect, it } from "vitest";
import { handleBatch } from "./batches";
import { handleOpenApi, REST_PREFIX_ROUTES, REST_ROUTE_LIST, REST_ROUTES } from "./routes";
import { handleScreenshot } from "./screenshot";
import { handleWatch, handleWatches } from "./watches";

describe("the REST route list", () => {
  it("mounts fixed paths by exact match, and a path with a parameter by what precedes it", () => {
    expect(Object.keys(REST_ROUTES).sort()).toEqual(
      [
        "/api/cron/watches",
        "/api/health",
        "/api/metrics",
        "/api/openapi.json",
        "/api/v1/batches",
        "/api/v1/cache",
        "/api/v1/devices",
        "/api/v1/diff",
        "/api/v1/history",
        "/api/v1/history/image",
        "/api/v1/invalidate",
        "/api/v1/metadata",
        "/api/v1/screenshot",
        "/api/v1/stats",
        "/api/v1/watches",
      ].sort(),
    );
    expect(REST_ROUTES["/api/v1/screenshot"]).toBe(handleScreenshot);
    expect(REST_ROUTES["/api/v1/watches"]).toBe(handleWatches);
    expect(REST_ROUTES["/api/openapi.json"]).toBe(handleOpenApi);
    expect(REST_PREFIX_ROUTES).toEqual({
      "/api/v1/watches/": handleWatch,
      "/api/v1/batches/": handleBatch,
    });
  });

  // The router tables and the document are keyed by path: a second route on a path would
  // silently replace the first in both.
  it("holds each path once", () => {
    const paths = REST_ROUTE_LIST.map((route) => route.path);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
