/**
 * @module A capture over tRPC, as `screenshot.capture` and `metadata.get` answer it: rate-limited
 * per key or address, its cache facts as headers, and whether the caller's ETag still matches.
 */
import { type CaptureOptions, type CaptureResult, ifNoneMatchMatches } from "@shotcache/core";
import { TRPCError } from "@trpc/server";
import { matchedKey } from "../access";
import { cacheHeaders } from "../cache-headers";
import { applyRateLimit } from "../rate-limit";
import type { TrpcContext } from "../trpc";

export async function answeredCapture(
  ctx: TrpcContext,
  input: CaptureOptions,
): Promise<{ result: CaptureResult; notModified: boolean }> {
  const key = matchedKey(ctx.access, ctx.authorization);
  const limited = await applyRateLimit(ctx, key, ctx.clientAddress);
  // A batch's answers share one set of headers: none of them speaks for the others.
  if (!ctx.isBatchCall) {
    for (const [name, value] of Object.entries(limited.headers)) ctx.resHeaders.set(name, value);
  }
  if (!limited.allowed) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: "Too many captures; try again later.",
    });
  }
  const result = await ctx.captureService.capture(input, key?.id);
  // The JSON around the bytes also carries their age, so it is only weakly the same response;
  // the strong ETag of the bytes themselves is in the body.
  const etag = `W/${result.etag}`;
  if (!ctx.isBatchCall) {
    for (const [name, value] of Object.entries(cacheHeaders(result, { etag }))) {
      ctx.resHeaders.set(name, value);
    }
  }
  // The handler answers a matching If-None-Match with a bodiless 304: nothing to encode.
  return { result, notModified: !ctx.isBatchCall && ifNoneMatchMatches(ctx.ifNoneMatch, etag) };
}
