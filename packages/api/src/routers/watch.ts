import { WatchLimitError, watchInputSchema, watchRequestSchema } from "@shotcache/core";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { purgeProcedure } from "../trpc";

const watchesOff = () =>
  new TRPCError({
    code: "NOT_FOUND",
    message: "Watches are off: the server has no webhook secret to sign deliveries with.",
  });

export const watchRouter = {
  /**
   * Renders the page every `every` seconds and POSTs a signed delivery to `webhook` whenever the
   * image changed: `{ watchId, url, etag, previousEtag, changedAt, imageUrl }`.
   */
  create: purgeProcedure.input(watchInputSchema).mutation(async ({ ctx, input }) => {
    if (!ctx.watches) throw watchesOff();
    // The typed input, checked again as the server takes it (its shortest interval).
    const checked = watchRequestSchema(ctx.watchMinSeconds ?? 60).safeParse(input);
    if (!checked.success) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "The watch is invalid.",
        cause: checked.error,
      });
    }
    try {
      return await ctx.watches.create(checked.data, ctx.origin);
    } catch (error) {
      if (error instanceof WatchLimitError) {
        throw new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
      }
      throw error;
    }
  }),
  /** Every watch, oldest first, with when it next runs. */
  list: purgeProcedure.query(async ({ ctx }) => {
    if (!ctx.watches) throw watchesOff();
    return ctx.watches.list();
  }),
  /** Stops a watch: no more renders or deliveries. */
  delete: purgeProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.watches) throw watchesOff();
      if (!(await ctx.watches.delete(input.id))) {
        throw new TRPCError({ code: "NOT_FOUND", message: `There is no watch ${input.id}.` });
      }
      return { deleted: input.id };
    }),
} satisfies TRPCRouterRecord;
