import type { CaptureHow, CaptureOptions, CaptureResult } from "@shotcache/core";
import { matchedKey } from "../access";
import type { ApiContext } from "../context";
import { applyRateLimit, type RateLimitOutcome } from "../rate-limit";
import { failure } from "./common";
import { problem } from "./problem";
import type { RestRequest, RestResponse } from "./types";

/**
 * A capture for a REST request, within the caller's rate limit (per key, else per address): its
 * result and the limit's headers, or the problem to answer (429, or why the capture failed).
 */
export async function limitedCapture(
  request: RestRequest,
  context: ApiContext,
  options: CaptureOptions,
  how?: CaptureHow,
): Promise<RestResponse | { result: CaptureResult; limited: RateLimitOutcome }> {
  const key = matchedKey(context.access, request.header("authorization"));
  const limited = await applyRateLimit(context, key, request.clientAddress());
  if (!limited.allowed) {
    return problem("RATE_LIMITED", "Too many captures; try again later.", {
      headers: limited.headers,
    });
  }
  try {
    return { result: await context.captureService.capture(options, key?.id, how), limited };
  } catch (error) {
    return failure(error, context);
  }
}
