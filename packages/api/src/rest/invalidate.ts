import { timingSafeEqual } from "node:crypto";
import {
  mergePurgeOutcomes,
  pageUrlSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  webhookSignature,
} from "@shotcache/core";
import { z } from "zod";
import type { ApiContext } from "../context";
import { errorResponses, jsonContent, PURGE_OUTCOME, schemaOf } from "../openapi";
import { failure, json, methodNotAllowed } from "./common";
import { invalidInput, problem } from "./problem";
import { BodyTooLargeError, type RestRequest, type RestResponse, type RestRoute } from "./types";

/** A delivery older or newer than this is refused, so a captured one cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
const MAX_BODY_BYTES = 64 * 1024;

/** The body of a delivery: one URL, or up to 100. */
export const invalidationSchema = z.union([
  z.strictObject({ url: pageUrlSchema }),
  z.strictObject({ urls: z.array(pageUrlSchema).min(1).max(100) }),
]);

function sameSignature(expected: string, given: string): boolean {
  const [a, b] = [Buffer.from(expected), Buffer.from(given)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /api/v1/invalidate`: a CMS or CI job says a page changed, and every cached variant of it
 * goes. Signed with HMAC-SHA256 over `<timestamp>.<raw body>` (headers `X-Shotcache-Timestamp`,
 * `X-Shotcache-Signature: v1=<hex>`), at most 5 minutes old, compared in constant time, and each
 * delivery accepted once (in every instance sharing the store).
 */
export async function handleInvalidate(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  if (!context.webhookSecret)
    return problem("NOT_FOUND", "The invalidation webhook is not enabled.");
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  let body: string;
  try {
    body = await request.text(MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return problem("PAYLOAD_TOO_LARGE", `The body may hold at most ${MAX_BODY_BYTES} bytes.`);
    }
    throw error;
  }

  const timestampText = request.header(TIMESTAMP_HEADER) ?? "";
  const timestamp = Number(timestampText);
  const signature = request.header(SIGNATURE_HEADER) ?? "";
  if (!/^\d+$/.test(timestampText)) {
    return problem("WEBHOOK_SIGNATURE_INVALID", `Send ${TIMESTAMP_HEADER} in epoch seconds.`);
  }
  if (!sameSignature(webhookSignature(context.webhookSecret, timestamp, body), signature)) {
    return problem("WEBHOOK_SIGNATURE_INVALID", "The signature does not match the body.");
  }
  if (Math.abs(Date.now() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
    return problem("WEBHOOK_TIMESTAMP_STALE", "The delivery is more than 5 minutes off.");
  }

  let parsed: ReturnType<typeof invalidationSchema.safeParse>;
  try {
    parsed = invalidationSchema.safeParse(JSON.parse(body));
  } catch {
    return problem("INVALID_INPUT", "The body is not valid JSON.");
  }
  if (!parsed.success) {
    return invalidInput("Send { url } or { urls: [...] }.", parsed.error);
  }

  try {
    // Purged first, then marked received: a purge that fails (the store is down) leaves the
    // delivery unclaimed, so the sender's retry is not refused as a replay. Purging twice is
    // harmless.
    const urls = "url" in parsed.data ? [parsed.data.url] : parsed.data.urls;
    const outcomes = await Promise.all(
      urls.map((url) => context.captureService.purge({ url }, timestamp * 1000)),
    );
    const ttl = 2 * WEBHOOK_TOLERANCE_SECONDS * 1000;
    if (!(await context.captureService.claimOnce(`webhook:${signature}`, ttl))) {
      return problem("WEBHOOK_REPLAYED", "This delivery was already received.");
    }
    return json(200, mergePurgeOutcomes(outcomes));
  } catch (error) {
    return failure(error, context);
  }
}

export const invalidateRoute: RestRoute = {
  path: "/api/v1/invalidate",
  handler: handleInvalidate,
  describe: () => ({
    post: {
      operationId: "invalidate",
      summary: "Signed webhook: these pages changed",
      security: [], // authenticated by its HMAC signature, not by an API key
      parameters: [
        {
          name: "X-Shotcache-Timestamp",
          in: "header",
          required: true,
          schema: { type: "integer" },
        },
        {
          name: "X-Shotcache-Signature",
          in: "header",
          required: true,
          schema: { type: "string" },
        },
      ],
      requestBody: { required: true, ...jsonContent(schemaOf(invalidationSchema)) },
      responses: {
        "200": { description: "Dropped.", ...jsonContent(PURGE_OUTCOME) },
        ...errorResponses([
          "INVALID_INPUT",
          "WEBHOOK_SIGNATURE_INVALID",
          "WEBHOOK_TIMESTAMP_STALE",
          "NOT_FOUND",
          "METHOD_NOT_ALLOWED",
          "WEBHOOK_REPLAYED",
          "PAYLOAD_TOO_LARGE",
          "STORE_UNAVAILABLE",
        ]),
      },
    },
  }),
};
