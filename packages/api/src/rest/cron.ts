/** @module `GET /api/cron/watches`: a scheduler outside the process runs the due watches. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiContext } from "../context";
import { errorResponses, jsonContent } from "../openapi";
import { failure, json, methodNotAllowed } from "./common";
import { problem } from "./problem";
import type { RestRequest, RestResponse, RestRoute } from "./types";

export const CRON_WATCHES_PATH = "/api/cron/watches";

/**
 * Whether `authorization` is `Bearer <secret>`. Both sides are hashed first, so the comparison
 * takes the same time whatever the lengths, and says nothing about the secret.
 */
function bearerMatches(authorization: string | null, secret: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(authorization ?? ""), digest(`Bearer ${secret}`));
}

/**
 * `GET /api/cron/watches`: runs the watches due now, once across every instance sharing the store,
 * and answers what ran. For hosts where no process stays up to look for due watches itself (a
 * serverless host: Vercel Cron calls it with `Authorization: Bearer <CRON_SECRET>`). Without a
 * cron secret configured the endpoint does not exist (404), so it cannot be called unguarded.
 */
export async function handleCronWatches(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  if (!context.cronSecret) {
    return problem("NOT_FOUND", `There is no endpoint at ${request.path}.`);
  }
  if (request.method !== "GET") return methodNotAllowed(["GET"]);
  if (!bearerMatches(request.header("authorization"), context.cronSecret)) {
    return problem("CRON_SECRET_INVALID", "Send Authorization: Bearer <CRON_SECRET>.", {
      headers: { "www-authenticate": 'Bearer realm="shotcache-cron"' },
    });
  }
  if (!context.watches) return json(200, { watches: "off", ran: [] });
  try {
    const report = await context.watches.runDue();
    return json(200, { watches: "on", ...report });
  } catch (error) {
    return failure(error, context);
  }
}

export const cronWatchesRoute: RestRoute = {
  path: CRON_WATCHES_PATH,
  handler: handleCronWatches,
  describe: () => ({
    get: {
      operationId: "cronWatches",
      summary: "Runs the watches due now, once across instances (Vercel Cron and the like)",
      description:
        "Authorized by `Authorization: Bearer <CRON_SECRET>`, not by an API key; answers 404 " +
        "on a server without `CRON_SECRET`.",
      security: [],
      responses: {
        "200": {
          description: "What ran: each watch claimed, and how its run ended.",
          ...jsonContent({
            type: "object",
            required: ["watches", "ran"],
            properties: {
              watches: { type: "string", enum: ["on", "off"] },
              ran: {
                type: "array",
                items: {
                  type: "object",
                  required: ["id", "url", "outcome"],
                  properties: {
                    id: { type: "string" },
                    url: { type: "string" },
                    outcome: {
                      type: "string",
                      enum: ["first", "unchanged", "delivered", "failed"],
                    },
                  },
                },
              },
            },
          }),
        },
        ...errorResponses([
          "CRON_SECRET_INVALID",
          "NOT_FOUND",
          "METHOD_NOT_ALLOWED",
          "STORE_UNAVAILABLE",
        ]),
      },
    },
  }),
};
