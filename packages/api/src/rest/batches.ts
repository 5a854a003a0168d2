import { BatchLimitError, batchInputSchema, MAX_BATCH_CAPTURES } from "@shotcache/core";
import { matchedKey } from "../access";
import type { ApiContext } from "../context";
import { errorResponses, jsonContent, type OpenApiParameter, schemaOf } from "../openapi";
import { publicOriginOf } from "../public-origin";
import { rateLimitIdentifierOf } from "../rate-limit";
import {
  failure,
  isRestResponse,
  json,
  jsonBodyOf,
  methodNotAllowed,
  refusedAccess,
} from "./common";
import { invalidInput, problem } from "./problem";
import type { RestRequest, RestResponse, RestRoute } from "./types";

export const BATCHES_PATH = "/api/v1/batches";
/** Room for a thousand captures with long URLs and a few options each. */
const MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024;
const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const batchesOff = () => problem("NOT_FOUND", "Batches are off on this server.");

/**
 * `POST /api/v1/batches` with `{ captures: [<capture options>, …], webhook? }`: the captures run in
 * the background; answers `202 { id }` at once.
 */
export async function handleBatches(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const { batches } = context;
  if (!batches) return batchesOff();
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  const refused = refusedAccess(request, context, "capture");
  if (refused) return refused;
  const body = await jsonBodyOf(request, MAX_BATCH_BODY_BYTES);
  if (isRestResponse(body)) return body;
  const parsed = batchInputSchema.safeParse(body.json);
  if (!parsed.success) return invalidInput("The batch is invalid.", parsed.error);
  if (parsed.data.webhook && !context.webhookSecret) {
    return problem(
      "INVALID_INPUT",
      "This server signs no webhooks (SHOTCACHE_WEBHOOK_SECRET is unset): leave webhook out.",
      { errors: [{ field: "webhook", message: "needs SHOTCACHE_WEBHOOK_SECRET on the server" }] },
    );
  }
  const key = matchedKey(context.access, request.header("authorization"));
  const caller = {
    ...(key ? { keyId: key.id } : {}),
    limitedAs: rateLimitIdentifierOf(key, request.clientAddress()),
  };
  try {
    const id = await batches.create(parsed.data, caller, publicOriginOf(request));
    const accepted = json(202, { id });
    accepted.headers.location = `${BATCHES_PATH}/${id}`;
    return accepted;
  } catch (error) {
    if (error instanceof BatchLimitError) {
      return problem("SATURATED", error.message, { headers: { "retry-after": "60" } });
    }
    return failure(error, context);
  }
}

/** `GET /api/v1/batches/{id}`: progress and results; `DELETE`: cancels what has not started. */
export async function handleBatch(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const { batches } = context;
  if (!batches) return batchesOff();
  if (request.method !== "GET" && request.method !== "DELETE") {
    return methodNotAllowed(["GET", "DELETE"]);
  }
  const refused = refusedAccess(request, context, "capture");
  if (refused) return refused;
  const id = request.path.slice(BATCHES_PATH.length + 1);
  try {
    const batch = !BATCH_ID.test(id)
      ? undefined
      : request.method === "GET"
        ? await batches.get(id)
        : await batches.cancel(id);
    if (batch) return json(200, batch);
  } catch (error) {
    return failure(error, context);
  }
  return problem("NOT_FOUND", `There is no batch ${id} (a batch is kept a day).`);
}

const CAPTURE_REPORT = {
  type: "object",
  required: ["index", "url", "status"],
  properties: {
    index: { type: "integer" },
    url: { type: "string" },
    status: { enum: ["queued", "done", "failed", "cancelled"] },
    etag: { type: "string" },
    cache: { type: "string", description: "How the cache answered it (HIT, MISS…)." },
    image: {
      type: "string",
      description: "The image: a signed public URL when the server signs, else the API's own.",
    },
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" } },
    },
  },
};

/** A batch as the API answers it. */
export const BATCH_REPORT = {
  type: "object",
  required: ["id", "status", "createdAt", "progress", "captures"],
  properties: {
    id: { type: "string", format: "uuid" },
    status: { enum: ["running", "completed", "cancelled"] },
    createdAt: { type: "string", format: "date-time" },
    finishedAt: { type: "string", format: "date-time" },
    progress: {
      type: "object",
      required: ["total", "queued", "done", "failed", "cancelled"],
      properties: Object.fromEntries(
        ["total", "queued", "done", "failed", "cancelled"].map((name) => [
          name,
          { type: "integer" },
        ]),
      ),
    },
    captures: { type: "array", items: CAPTURE_REPORT },
  },
};

const ID_PARAMETER: OpenApiParameter = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
};

export const batchesRoute: RestRoute = {
  path: BATCHES_PATH,
  handler: handleBatches,
  describe: () => ({
    post: {
      operationId: "createBatch",
      summary: `Up to ${MAX_BATCH_CAPTURES} captures, answered later`,
      description:
        'The captures run in the background, cached ones answered from the cache, a fair share of the renderer at a time and each counted against the caller\'s rate limit. Once all are done (or the batch cancelled), `webhook` receives `{ event: "batch.completed", batch, url }`, signed like watch deliveries (`X-Shotcache-Timestamp`, `X-Shotcache-Signature`). Kept a day.',
      security: [{ apiKey: ["capture"] }],
      requestBody: { required: true, ...jsonContent(schemaOf(batchInputSchema)) },
      responses: {
        "202": {
          description: "Accepted; its progress at `Location`.",
          headers: { Location: { description: "The batch's URL.", schema: { type: "string" } } },
          ...jsonContent({
            type: "object",
            required: ["id"],
            properties: { id: { type: "string", format: "uuid" } },
          }),
        },
        ...errorResponses([
          "INVALID_INPUT",
          "UNAUTHORIZED",
          "FORBIDDEN",
          "METHOD_NOT_ALLOWED",
          "TARGET_NOT_ALLOWED",
          "SATURATED",
          "STORE_UNAVAILABLE",
          "NOT_FOUND",
          "PAYLOAD_TOO_LARGE",
          "UNSUPPORTED_MEDIA_TYPE",
        ]),
      },
    },
  }),
};

export const batchRoute: RestRoute = {
  path: `${BATCHES_PATH}/{id}`,
  handler: handleBatch,
  describe: () => {
    const answer = { description: "The batch.", ...jsonContent(BATCH_REPORT) };
    const errors = errorResponses(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "STORE_UNAVAILABLE"]);
    return {
      get: {
        operationId: "getBatch",
        summary: "A batch's progress and results",
        security: [{ apiKey: ["capture"] }],
        parameters: [ID_PARAMETER],
        responses: { "200": answer, ...errors },
      },
      delete: {
        operationId: "cancelBatch",
        summary: "Cancel the captures of a batch not yet started",
        security: [{ apiKey: ["capture"] }],
        parameters: [ID_PARAMETER],
        responses: { "200": answer, ...errors },
      },
    };
  },
};
