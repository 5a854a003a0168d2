import { HOURLY_RETENTION_HOURS } from "@shotcache/core";
import { z } from "zod";
import type { ApiContext } from "../context";
import { ADMIN_ERRORS, errorResponses, jsonContent } from "../openapi";
import { failure, json, refusedRequest } from "./common";
import { invalidInput } from "./problem";
import type { RestRequest, RestResponse, RestRoute } from "./types";

const statsQuerySchema = z.strictObject({
  hours: z.coerce.number().int().min(1).max(HOURLY_RETENTION_HOURS).default(24),
});

/** `GET /api/v1/stats?hours=24`: every figure the store keeps. Needs a key with the `read` scope when keys exist. */
export async function handleStats(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const refused = refusedRequest(request, context, "GET", "read");
  if (refused) return refused;
  const parsed = statsQuerySchema.safeParse(Object.fromEntries(request.url.searchParams));
  if (!parsed.success) {
    return invalidInput("The stats query is invalid.", parsed.error);
  }
  try {
    return json(200, await context.captureService.stats(parsed.data.hours));
  } catch (error) {
    return failure(error, context);
  }
}

export const statsRoute: RestRoute = {
  path: "/api/v1/stats",
  handler: handleStats,
  describe: () => ({
    get: {
      operationId: "stats",
      summary: "Shared statistics",
      security: [{ apiKey: ["read"] }],
      parameters: [
        {
          name: "hours",
          in: "query",
          schema: { type: "integer", minimum: 1, maximum: HOURLY_RETENTION_HOURS, default: 24 },
        },
      ],
      responses: {
        "200": {
          description:
            "Counters, hourly buckets, latency, storage, recent purges, and `topUrls`: the most requested URLs with requests, hit rate, renders, changes and the estimated change interval; `keys`: captures and renders per API key, by key id (the first 12 hex digits of the key's SHA-256).",
          ...jsonContent({ type: "object" }),
        },
        ...errorResponses(ADMIN_ERRORS),
      },
    },
  }),
};
