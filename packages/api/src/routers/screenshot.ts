import { captureOptionsSchema } from "@shotcache/core";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { cacheHeaders } from "../cache-headers";
import { applyRateLimit } from "../rate-limit";
import { captureProcedure } from "../trpc";

export const screenshotRouter = {
  /**
   * A query, so an unbatched GET can be answered with 304 when the caller's ETag still matches.
   * The image travels as base64 inside the JSON result.
   */
  capture: captureProcedure.input(captureOptionsSchema).query(async ({ ctx, input }) => {
    const limited = await applyRateLimit(ctx, ctx.authorization, ctx.clientAddress);
    if (!ctx.isBatchCall) {
      for (const [name, value] of Object.entries(limited.headers)) ctx.resHeaders.set(name, value);
    }
    if (!limited.allowed) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: "Too many captures; try again later.",
      });
    }
    const result = await ctx.captureService.capture(input);
    if (!ctx.isBatchCall) {
      for (const [name, value] of Object.entries(cacheHeaders(result))) {
        ctx.resHeaders.set(name, value);
      }
      // The JSON around the image also carries its age, so it is only weakly the same response;
      // the strong ETag of the image itself is in the body.
      ctx.resHeaders.set("etag", `W/${result.etag}`);
    }
    return {
      image: Buffer.from(result.bytes).toString("base64"),
      contentType: result.contentType,
      etag: result.etag,
      cache: {
        status: result.status,
        key: result.cacheKey,
        ageSeconds: result.ageSeconds,
        ttlSeconds: result.ttlSeconds,
        capturedAt: new Date(result.capturedAt).toISOString(),
        renderMs: result.renderMs,
        reason: result.reason ?? null,
      },
    };
  }),
} satisfies TRPCRouterRecord;
