import { purgeRequestSchema } from "@shotcache/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { adminProcedure } from "../trpc";

export const cacheRouter = {
  /**
   * Drops every cached variant (all widths, formats, …) of `url`; with `options`, only the one
   * variant they select.
   */
  purge: adminProcedure
    .input(purgeRequestSchema)
    .mutation(({ ctx, input }) => ctx.captureService.purge(input)),
} satisfies TRPCRouterRecord;
