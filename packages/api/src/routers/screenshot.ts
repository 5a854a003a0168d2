import {
  captureOptionsSchema,
  MAX_TTL_SECONDS,
  type SignableInput,
  signedScreenshotPath,
} from "@shotcache/core";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { captureProcedure, signProcedure } from "../trpc";
import { answeredCapture } from "./answered-capture";

/**
 * What to sign: capture options as they will travel in the URL (validated like a capture, then
 * signed as given, so the URL carries no defaults), and how long the URL stays valid.
 */
const signRequestSchema = z.strictObject({
  options: z.record(z.string(), z.unknown()).transform((options, context) => {
    const parsed = captureOptionsSchema.safeParse(options);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) context.addIssue(issue as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    // A public URL carries what it was signed with: cookies in it would be anyone's who sees it.
    if (parsed.data.cookies) {
      context.addIssue({
        code: "custom",
        path: ["cookies"],
        message: "would travel in a public URL; a signed URL may not carry cookies",
      });
    }
    // A public URL that skips the cache would let anyone who sees it make the server render.
    for (const name of ["refresh", "noCache"] as const) {
      if (parsed.data[name]) {
        context.addIssue({
          code: "custom",
          path: [name],
          message: "would render on every request; a signed URL may not skip the cache",
        });
      }
    }
    return options as SignableInput;
  }),
  /** Seconds from now; none = the URL never expires. */
  expiresInSeconds: z.int().min(1).max(MAX_TTL_SECONDS).optional(),
});

export const screenshotRouter = {
  /**
   * A query, so an unbatched GET can be answered with 304 when the caller's ETag still matches.
   * The image travels as base64 inside the JSON result.
   */
  capture: captureProcedure.input(captureOptionsSchema).query(async ({ ctx, input }) => {
    const { result, notModified } = await answeredCapture(ctx, input);
    return {
      image: notModified ? "" : Buffer.from(result.bytes).toString("base64"),
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
        ttlSource: result.ttlSource ?? null,
        /**
         * Whether the image changed beyond the capture's `changeThreshold` since the variant's
         * previous version (before that is measured: whether it differs at all); null with none.
         */
        changed: result.changed ?? null,
        /** How much it changed (0–1), its masks left out; null until measured, or with none before. */
        changeRatio: result.changeRatio ?? null,
        /** When the content last changed: an unchanged re-render keeps the earlier time. */
        lastChangedAt: new Date(result.changedAt).toISOString(),
      },
    };
  }),
  /**
   * A signed public URL of the same capture, path and query (`/api/v1/screenshot?…&signature=…`),
   * for an `<img src>` or a CDN with no API key. Needs the `sign` scope: whoever may sign may hand
   * out captures without a key. Answers NOT_FOUND when the server has no signing secret.
   */
  sign: signProcedure.input(signRequestSchema).mutation(({ ctx, input }) => {
    if (!ctx.signingSecret) {
      throw new TRPCError({
        code: "NOT_FOUND",
        message: "Signed URLs are off: the server has no signing secret.",
      });
    }
    const { path, expires } = signedScreenshotPath(input.options, ctx.signingSecret, {
      expiresInSeconds: input.expiresInSeconds,
    });
    return {
      path,
      expiresAt: expires === undefined ? null : new Date(expires * 1000).toISOString(),
    };
  }),
} satisfies TRPCRouterRecord;
