/** @module How renders run: where, how many at once, and their limits. */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { nonNegativeInt, parsedList, positiveInt } from "./parsers";

export const renderSettings = {
  title: "Rendering",
  variables: z.object({
    SHOTCACHE_RENDER: z.enum(["local", "queue"]).default("local").meta({
      description:
        "`local`: this process renders; `queue`: render workers (`pnpm worker`) do, from a queue in Redis, and this process starts no browser (see [Scaling out](scaling.md))",
    }),
    SHOTCACHE_QUEUE_NO_WORKER_MS: positiveInt.default(10_000).meta({
      description: "with the queue: how long a capture waits while no render worker is alive",
    }),
    SHOTCACHE_RENDER_CONCURRENCY: positiveInt.optional().meta({
      description: "renders at once (at most one per 512 MiB of memory)",
      shownDefault: "cores",
    }),
    SHOTCACHE_RENDER_QUEUE: nonNegativeInt.optional().meta({
      description: "renders that may wait; more are refused with 503 `SATURATED`",
      shownDefault: "4 × concurrency",
    }),
    SHOTCACHE_BATCH_CONCURRENCY: positiveInt.optional().meta({
      description:
        "captures of batches this process runs at once, all batches together; the rest of the renderer is left to synchronous captures",
      shownDefault: "half the render concurrency, at least 1",
    }),
    SHOTCACHE_READY_CONTEXTS: nonNegativeInt.max(64).optional().meta({
      description:
        "browser contexts kept ready ahead, each with its guard and a page at the default viewport, so a render starts at navigation (0 = none; 0 on a serverless host unless set)",
      shownDefault: "concurrency",
    }),
    SHOTCACHE_MAX_RENDER_MS: positiveInt.default(60_000).meta({
      description: "longest whole render, whatever a caller's `timeout` asks",
    }),
    SHOTCACHE_NAVIGATION_TIMEOUT_MS: positiveInt.default(30_000).meta({
      description: "longest wait for a page to load",
    }),
    SHOTCACHE_FULL_PAGE_MAX_HEIGHT: positiveInt.max(65_535).default(16_384).meta({
      description: "tallest full-page capture in CSS pixels",
    }),
    SHOTCACHE_RECYCLE_AFTER: positiveInt.default(500).meta({
      description: "the browser is replaced after this many renders",
    }),
    // Read once, at start: a list changed on disk takes effect at the next start.
    SHOTCACHE_AD_FILTER_LISTS: parsedList((paths) =>
      paths.map((path) => {
        try {
          return readFileSync(path, "utf8");
        } catch (error) {
          throw new Error(`cannot read ${path}: ${(error as Error).message}`);
        }
      }),
    ).meta({
      description:
        "more filter lists for `blockAds` (Adblock Plus syntax, e.g. EasyList), comma-separated paths, read at start; a change does not re-key cached images",
    }),
  }),
};

type RenderVariables = z.output<typeof renderSettings.variables>;

/** `serverlessHost`: there an instance between requests should hold nothing busy. */
export function renderConfigOf(variables: RenderVariables, serverlessHost: string | undefined) {
  return {
    where: variables.SHOTCACHE_RENDER,
    queueNoWorkerMs: variables.SHOTCACHE_QUEUE_NO_WORKER_MS,
    concurrency: variables.SHOTCACHE_RENDER_CONCURRENCY,
    /** Unset: half the render concurrency (see services.ts), so that half stays synchronous. */
    batchConcurrency: variables.SHOTCACHE_BATCH_CONCURRENCY,
    maxQueued: variables.SHOTCACHE_RENDER_QUEUE,
    readyContexts: variables.SHOTCACHE_READY_CONTEXTS ?? (serverlessHost ? 0 : undefined),
    maxRenderMs: variables.SHOTCACHE_MAX_RENDER_MS,
    navigationTimeoutMs: variables.SHOTCACHE_NAVIGATION_TIMEOUT_MS,
    fullPageMaxHeight: variables.SHOTCACHE_FULL_PAGE_MAX_HEIGHT,
    recycleAfter: variables.SHOTCACHE_RECYCLE_AFTER,
    adFilterLists: variables.SHOTCACHE_AD_FILTER_LISTS,
  };
}

export type RenderConfig = ReturnType<typeof renderConfigOf>;
