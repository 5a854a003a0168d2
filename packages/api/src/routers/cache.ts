import { pageUrlSchema, purgeRequestSchema } from "@shotcache/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { purgeProcedure, readProcedure } from "../trpc";

export const cacheRouter = {
  /**
   * Drops every cached variant (all widths, formats, …) of `url`; with `options`, only the one
   * variant they select.
   */
  purge: purgeProcedure
    .input(purgeRequestSchema)
    .mutation(({ ctx, input }) => ctx.captureService.purge(input)),
  /** The cached variants of a URL: key, age, freshness left, size. */
  inspect: readProcedure
    .input(z.strictObject({ url: pageUrlSchema }))
    .query(({ ctx, input }) => ctx.captureService.inspect(input.url)),
} satisfies TRPCRouterRecord;
