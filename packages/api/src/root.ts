import { healthOf } from "./health";
import { batchRouter } from "./routers/batch";
import { cacheRouter } from "./routers/cache";
import { historyRouter } from "./routers/history";
import { metadataRouter } from "./routers/metadata";
import { screenshotRouter } from "./routers/screenshot";
import { statsRouter } from "./routers/stats";
import { watchRouter } from "./routers/watch";
import { createRouter, publicProcedure } from "./trpc";

export const appRouter = createRouter({
  screenshot: screenshotRouter,
  metadata: metadataRouter,
  history: historyRouter,
  cache: cacheRouter,
  stats: statsRouter,
  watch: watchRouter,
  batch: batchRouter,
  health: publicProcedure.query(({ ctx }) => healthOf(ctx)),
});

/** The router's type: all the SDK imports from the server. */
export type AppRouter = typeof appRouter;
