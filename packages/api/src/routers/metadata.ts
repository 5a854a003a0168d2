import { metadataRequestSchema } from "@shotcache/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { metadataAnswer } from "../metadata-answer";
import { captureProcedure } from "../trpc";
import { answeredCapture } from "./answered-capture";

export const metadataRouter = {
  /**
   * A page's link-preview facts (title, description, image, icon…), read by the guarded browser
   * and cached as any capture of the page; a query, so a GET may be answered with 304.
   */
  get: captureProcedure.input(metadataRequestSchema).query(async ({ ctx, input }) => {
    const { result, notModified } = await answeredCapture(ctx, input);
    return notModified ? null : metadataAnswer(result);
  }),
} satisfies TRPCRouterRecord;
