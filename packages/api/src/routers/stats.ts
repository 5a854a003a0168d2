import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../trpc";

export const statsRouter = {
  /** Hits, misses, bypasses and purges since the store was created, and the hit rate. */
  get: publicProcedure.query(({ ctx }) => ctx.captureService.stats()),
} satisfies TRPCRouterRecord;
