import { HOURLY_RETENTION_HOURS } from "@shotcache/core";
import { z } from "zod";
import type { ApiContext } from "../context";
import { failure, json, refusedRequest } from "./common";
import { invalidInput } from "./problem";
import type { RestRequest, RestResponse } from "./types";

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
