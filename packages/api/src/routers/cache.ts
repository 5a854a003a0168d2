import { captureOptionsObjectSchema } from "@shotcache/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { publicProcedure } from "../trpc";

export const cacheRouter = {
  /** Drops every cached variant (all widths, formats, …) of a URL. */
  purge: publicProcedure
    .input(z.strictObject({ url: captureOptionsObjectSchema.shape.url }))
    .mutation(({ ctx, input }) => ctx.captureService.purge(input.url)),
} satisfies TRPCRouterRecord;
