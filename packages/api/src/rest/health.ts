import type { ApiContext } from "../context";
import { healthOf } from "../health";
import { errorResponses, jsonContent } from "../openapi";
import { json } from "./common";
import type { RestRequest, RestResponse, RestRoute } from "./types";

/**
 * `GET /api/health`: whether the server is up, and which store it uses; 503 while it drains, so
 * that a balancer's health check takes it out of rotation.
 */
export async function handleHealth(
  _request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const health = healthOf(context);
  return json(health.status === "draining" ? 503 : 200, health);
}

export const healthRoute: RestRoute = {
  path: "/api/health",
  handler: handleHealth,
  describe: () => ({
    get: {
      operationId: "health",
      summary: "Whether the server, its store and its browser are well",
      responses: {
        "200": { description: "ok or degraded.", ...jsonContent({ type: "object" }) },
        "503": {
          description: "draining: the server is shutting down, a balancer should send no more.",
          ...jsonContent({ type: "object" }),
        },
        // A draining server still answers its health check: 503 above, not SHUTTING_DOWN.
        ...errorResponses([], { drains: false }),
      },
    },
  }),
};
