import { captureInputFromQuery, purgeRequestSchema } from "@shotcache/core";
import type { ApiContext } from "../context";
import { failure, json, refusedRequest } from "./common";
import { invalidInput } from "./problem";
import type { RestRequest, RestResponse } from "./types";

/**
 * `DELETE /api/v1/cache?url=…` drops every cached variant of the URL; with capture options beside
 * it (`&width=800&format=webp`), only the variant they select. Needs a key with the `purge` scope when keys exist.
 */
export async function handleCachePurge(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const refused = refusedRequest(request, context, "DELETE", "purge");
  if (refused) return refused;
  const { url, ...options } = captureInputFromQuery(request.url.searchParams);
  const parsed = purgeRequestSchema.safeParse(
    Object.keys(options).length > 0 ? { url, options } : { url },
  );
  if (!parsed.success) {
    return invalidInput("The purge request is invalid.", parsed.error);
  }
  try {
    return json(200, await context.captureService.purge(parsed.data));
  } catch (error) {
    return failure(error, context);
  }
}
