import { BatchLimitError, batchInputSchema } from "@shotcache/core";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { matchedKey } from "../access";
import { rateLimitIdentifierOf } from "../rate-limit";
import { captureProcedure, type TrpcContext } from "../trpc";

const batchesOf = (ctx: TrpcContext) => {
  if (!ctx.batches)
    throw new TRPCError({ code: "NOT_FOUND", message: "Batches are off on this server." });
  return ctx.batches;
};

const notFound = (id: string) =>
  new TRPCError({ code: "NOT_FOUND", message: `There is no batch ${id} (a batch is kept a day).` });

export const batchRouter = {
  /**
   * Up to 1,000 captures, answered later: resolves to the batch's id at once. A `webhook` is told
   * `{ event: "batch.completed", batch, url }`, signed like watch deliveries, once all are done.
   */
  create: captureProcedure.input(batchInputSchema).mutation(async ({ ctx, input }) => {
    const batches = batchesOf(ctx);
    if (input.webhook && !ctx.webhookSecret) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message:
          "This server signs no webhooks (SHOTCACHE_WEBHOOK_SECRET is unset): leave webhook out.",
      });
    }
    const key = matchedKey(ctx.access, ctx.authorization);
    const caller = {
      ...(key ? { keyId: key.id } : {}),
      limitedAs: rateLimitIdentifierOf(key, ctx.clientAddress),
    };
    try {
      return { id: await batches.create(input, caller, ctx.origin) };
    } catch (error) {
      if (error instanceof BatchLimitError) {
        throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: error.message, cause: error });
      }
      throw error;
    }
  }),
  /** A batch's progress and, per capture, its status, ETag, image URL or coded error. */
  get: captureProcedure.input(z.strictObject({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const batch = await batchesOf(ctx).get(input.id);
    if (!batch) throw notFound(input.id);
    return batch;
  }),
  /** Cancels the captures not yet started; resolves to the batch. */
  cancel: captureProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const batch = await batchesOf(ctx).cancel(input.id);
      if (!batch) throw notFound(input.id);
      return batch;
    }),
} satisfies TRPCRouterRecord;
