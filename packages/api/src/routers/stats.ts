import { HOURLY_RETENTION_HOURS } from "@shotcache/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { readProcedure } from "../trpc";

export const statsRouter = {
  /**
   * Every figure the store keeps, shared by all instances: counters and hit rate, `hours` of
   * hourly buckets (default 24, up to 7 days), latency quantiles per status, hit age, purge lag,
   * and what is stored.
   */
  get: readProcedure
    .input(
      z.strictObject({ hours: z.int().min(1).max(HOURLY_RETENTION_HOURS).default(24) }).optional(),
    )
    .query(({ ctx, input }) => ctx.captureService.stats(input?.hours)),
} satisfies TRPCRouterRecord;
