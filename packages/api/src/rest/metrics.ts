import type { ApiContext } from "../context";
import { errorResponses } from "../openapi";
import { refusedRequest } from "./common";
import { problem } from "./problem";
import type { RestRequest, RestResponse, RestRoute } from "./types";

/** `GET /api/metrics`: Prometheus text. Needs a key with the `read` scope when keys exist (scrapers can send one). */
export async function handleMetrics(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const refused = refusedRequest(request, context, "GET", "read");
  if (refused) return refused;
  if (!context.metrics) return problem("NOT_FOUND", "Metrics are not enabled.");
  return {
    status: 200,
    headers: { "content-type": context.metrics.registry.contentType, "cache-control": "no-store" },
    body: await context.metrics.registry.metrics(),
  };
}

export const metricsRoute: RestRoute = {
  path: "/api/metrics",
  handler: handleMetrics,
  describe: () => ({
    get: {
      operationId: "metrics",
      summary: "This process's metrics, Prometheus text format",
      security: [{ apiKey: ["read"] }],
      responses: {
        "200": {
          description: "Prometheus text.",
          content: { "text/plain": { schema: { type: "string" } } },
        },
        ...errorResponses(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED"]),
      },
    },
  }),
};
