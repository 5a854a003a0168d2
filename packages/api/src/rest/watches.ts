import { WatchLimitError, watchInputSchema, watchRequestSchema } from "@shotcache/core";
import type { ApiContext } from "../context";
import { ADMIN_ERRORS, errorResponses, jsonContent, schemaOf } from "../openapi";
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
import type { RestRequest, RestResponse, RestRoute } from "./types";

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

/** A watch as the API answers it. */
const WATCH = {
  type: "object",
  required: ["id", "url", "every", "webhook", "options", "createdAt"],
  properties: {
    id: { type: "string", format: "uuid" },
    url: { type: "string" },
    every: { type: "integer", description: "Seconds between renders." },
    webhook: { type: "string" },
    options: { type: "object", description: "The capture options, defaults applied." },
    createdAt: { type: "string", format: "date-time" },
    nextRunAt: { type: "string", format: "date-time" },
  },
};

export const watchesRoute: RestRoute = {
  path: WATCHES_PATH,
  handler: handleWatches,
  describe: () => ({
    get: {
      operationId: "listWatches",
      summary: "The watches, oldest first, with when each next runs",
      security: [{ apiKey: ["purge"] }],
      responses: {
        "200": {
          description: "The watches.",
          ...jsonContent({
            type: "object",
            required: ["watches"],
            properties: { watches: { type: "array", items: WATCH } },
          }),
        },
        ...errorResponses([...ADMIN_ERRORS, "NOT_FOUND"]),
      },
    },
    post: {
      operationId: "createWatch",
      summary: "Render a page every `every` seconds, and tell a webhook when it changed",
      description:
        'Each change is POSTed to `webhook` as JSON `{ watchId, url, etag, previousEtag, changedAt, imageUrl }`, signed like the invalidation webhook (`X-Shotcache-Timestamp`, `X-Shotcache-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`). Off (404) without a webhook secret.',
      security: [{ apiKey: ["purge"] }],
      requestBody: { required: true, ...jsonContent(schemaOf(watchInputSchema)) },
      responses: {
        "201": {
          description: "The watch; its first render runs at once.",
          headers: { Location: { description: "The watch's URL.", schema: { type: "string" } } },
          ...jsonContent(WATCH),
        },
        ...errorResponses([
          ...ADMIN_ERRORS,
          "NOT_FOUND",
          "TARGET_NOT_ALLOWED",
          "WATCH_LIMIT_REACHED",
          "PAYLOAD_TOO_LARGE",
          "UNSUPPORTED_MEDIA_TYPE",
        ]),
      },
    },
  }),
};

export const watchRoute: RestRoute = {
  path: `${WATCHES_PATH}/{id}`,
  handler: handleWatch,
  describe: () => ({
    delete: {
      operationId: "deleteWatch",
      summary: "Stop a watch: no more renders or deliveries",
      security: [{ apiKey: ["purge"] }],
      parameters: [
        { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
      ],
      responses: {
        "200": {
          description: "Deleted.",
          ...jsonContent({
            type: "object",
            required: ["deleted"],
            properties: { deleted: { type: "string" } },
          }),
        },
        ...errorResponses([...ADMIN_ERRORS, "NOT_FOUND"]),
      },
    },
  }),
};
