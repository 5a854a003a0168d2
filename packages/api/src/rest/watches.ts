import { WatchLimitError, watchRequestSchema } from "@shotcache/core";
import type { ApiContext } from "../context";
import { publicOriginOf } from "../public-origin";
import {
  failure,
  isRestResponse,
  json,
  jsonBodyOf,
  methodNotAllowed,
  refusedAccess,
  refusedRequest,
} from "./common";
import { invalidInput, problem } from "./problem";
import type { RestRequest, RestResponse } from "./types";

export const WATCHES_PATH = "/api/v1/watches";
const MAX_WATCH_BODY_BYTES = 64 * 1024;
const WATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const watchesOff = () =>
  problem(
    "NOT_FOUND",
    "Watches are off: the server has no webhook secret (SHOTCACHE_WEBHOOK_SECRET) to sign deliveries with.",
  );

/**
 * `GET /api/v1/watches` lists the watches; `POST` with `{ url, every, webhook, ...capture options }`
 * makes one: the page is rendered every `every` seconds and the webhook told when it changed.
 */
export async function handleWatches(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const { watches } = context;
  if (!watches) return watchesOff();
  if (request.method !== "GET" && request.method !== "POST") {
    return methodNotAllowed(["GET", "POST"]);
  }
  const refused = refusedAccess(request, context, "purge");
  if (refused) return refused;
  try {
    if (request.method === "GET") return json(200, { watches: await watches.list() });
    const body = await jsonBodyOf(request, MAX_WATCH_BODY_BYTES);
    if (isRestResponse(body)) return body;
    const parsed = watchRequestSchema(context.watchMinSeconds ?? 60).safeParse(body.json);
    if (!parsed.success) return invalidInput("The watch is invalid.", parsed.error);
    const watch = await watches.create(parsed.data, publicOriginOf(request));
    const created = json(201, watch);
    created.headers.location = `${WATCHES_PATH}/${watch.id}`;
    return created;
  } catch (error) {
    if (error instanceof WatchLimitError) return problem("WATCH_LIMIT_REACHED", error.message);
    return failure(error, context);
  }
}

/** `DELETE /api/v1/watches/{id}`: no more renders or deliveries for that watch. */
export async function handleWatch(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const { watches } = context;
  if (!watches) return watchesOff();
  const refused = refusedRequest(request, context, "DELETE", "purge");
  if (refused) return refused;
  const id = request.path.slice(WATCHES_PATH.length + 1);
  try {
    if (WATCH_ID.test(id) && (await watches.delete(id))) return json(200, { deleted: id });
  } catch (error) {
    return failure(error, context);
  }
  return problem("NOT_FOUND", `There is no watch ${id}.`);
}
