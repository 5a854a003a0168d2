import { captureInputFromQuery, purgeRequestSchema } from "@shotcache/core";
import type { ApiContext } from "../context";
import {
  ADMIN_ERRORS,
  captureParameters,
  errorResponses,
  jsonContent,
  PURGE_OUTCOME,
} from "../openapi";
import { failure, json, refusedRequest } from "./common";
import { invalidInput } from "./problem";
import type { RestRequest, RestResponse, RestRoute } from "./types";

/**
 * `DELETE /api/v1/cache?url=…` drops every cached variant of the URL (`?html=…`: of that markup);
 * with capture options beside it (`&width=800&format=webp`), only the variant they select. Needs a key with the `purge` scope when keys exist.
 */
export async function handleCachePurge(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const refused = refusedRequest(request, context, "DELETE", "purge");
  if (refused) return refused;
  const { url, html, ...options } = captureInputFromQuery(request.url.searchParams);
  const parsed = purgeRequestSchema.safeParse({
    url,
    html,
    ...(Object.keys(options).length > 0 ? { options } : {}),
  });
  if (!parsed.success) {
    return invalidInput("The purge request is invalid.", parsed.error);
  }
  try {
    return json(200, await context.captureService.purge(parsed.data));
  } catch (error) {
    return failure(error, context);
  }
}

export const cachePurgeRoute: RestRoute = {
  path: "/api/v1/cache",
  handler: handleCachePurge,
  describe: () => ({
    delete: {
      operationId: "purge",
      summary: "Drop every cached variant of a URL, or the one the options select",
      security: [{ apiKey: ["purge"] }],
      parameters: captureParameters(),
      responses: {
        "200": {
          description: "How many entries were dropped, and what each configured CDN said.",
          ...jsonContent(PURGE_OUTCOME),
        },
        ...errorResponses(ADMIN_ERRORS),
      },
    },
  }),
};
