import { purgeRequestSchema } from "@shotcache/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../trpc";

export const cacheRouter = {
  /**
   * Drops every cached variant (all widths, formats, …) of `url`; with `options`, only the one
   * variant they select.
   */
  purge: publicProcedure
    .input(purgeRequestSchema)
    .mutation(({ ctx, input }) => ctx.captureService.purge(input)),
} satisfies TRPCRouterRecord;
