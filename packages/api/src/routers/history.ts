import { captureOptionsSchema } from "@shotcache/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { historyAnswer, historyOf } from "../history-answer";
import { readProcedure } from "../trpc";

/** An ETag as a version's: bounded, on one line. */
const etag = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\r\n]*$/);

export const historyRouter = {
  /**
   * A variant's versions (the same options as its capture name it), newest first: each one's
   * ETag, capture time, change against the version before it with these options' masks, and the
   * URL of its image (`GET /api/v1/history/image`).
   */
  list: readProcedure
    .input(captureOptionsSchema)
    .query(async ({ ctx, input }) =>
      historyAnswer(await historyOf(ctx).list(input), input, ctx.origin),
    ),
  /**
   * A PNG (base64) of what changed from version `from` to `to` (ETags; by default the two
   * newest): `to` faded, its changed pixels red, masked areas hatched; and by how much.
   */
  diff: readProcedure
    .input(
      z.strictObject({
        capture: captureOptionsSchema,
        from: etag.optional(),
        to: etag.optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const diff = await historyOf(ctx).diff(input.capture, input);
      return {
        image: Buffer.from(diff.png).toString("base64"),
        contentType: "image/png",
        changeRatio: diff.ratio,
        from: { etag: diff.from.etag, capturedAt: new Date(diff.from.capturedAt).toISOString() },
        to: { etag: diff.to.etag, capturedAt: new Date(diff.to.capturedAt).toISOString() },
      };
    }),
} satisfies TRPCRouterRecord;
