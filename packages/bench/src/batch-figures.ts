/**
 * A batch of 200 distinct pages through the production server (`POST /api/v1/batches`, then its
 * progress polled), beside the same number of pages sent as synchronous captures 4 at a time: what
 * the batch machinery (the store's bookkeeping, the lease, the shared queue) costs in pages per
 * second. The batch is given the whole renderer here (SHOTCACHE_BATCH_CONCURRENCY = the render
 * concurrency); by default it takes half, leaving the rest to synchronous callers.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type FixtureSite, startWebApp } from "@shotcache/testkit";
import { inTurns, median, perSecond, timed } from "./measure";
import type { Recorder } from "./recorder";
import { buildWorkspace, WEB_APP_DIR } from "./workspace";

const PAGES = 200;
const ROUNDS = 2;
const RENDERS_AT_ONCE = "2";

export async function batchFigures({ report }: Recorder, site: FixtureSite): Promise<void> {
  buildWorkspace();
  const app = await startWebApp({
    appDir: WEB_APP_DIR,
    env: {
      SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
      SHOTCACHE_RATE_LIMIT_PER_MINUTE: "0",
      SHOTCACHE_RENDER_CONCURRENCY: RENDERS_AT_ONCE,
      SHOTCACHE_BATCH_CONCURRENCY: RENDERS_AT_ONCE,
    },
    keepOutput: false,
  });
  let run = 0;
  /** Distinct pages each time: every one renders. */
  const pages = () => {
    run++;
    return Array.from({ length: PAGES }, (_, i) => site.url(`/stable?bench=${run}-${i}`));
  };
  const capture = async (url: string) => {
    const answer = await fetch(`${app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`);
    await answer.arrayBuffer();
    if (!answer.ok) throw new Error(`a capture answered ${answer.status}`);
  };
  const synchronously = async () => {
    const queue = pages();
    const worker = async () => {
      for (let url = queue.shift(); url; url = queue.shift()) await capture(url);
    };
    return perSecond(PAGES, await timed(() => Promise.all([0, 1, 2, 3].map(worker))));
  };
  const asBatch = async () => {
    const ms = await timed(async () => {
      const made = await fetch(`${app.origin}/api/v1/batches`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ captures: pages().map((url) => ({ url })) }),
      });
      const { id } = await made.json();
      for (;;) {
        const batch = await (await fetch(`${app.origin}/api/v1/batches/${id}`)).json();
        if (batch.status !== "running") {
          if (batch.progress.done !== PAGES)
            throw new Error(`the batch did ${batch.progress.done}`);
          return;
        }
        await sleep(50);
      }
    });
    return perSecond(PAGES, ms);
  };
  try {
    await Promise.all(pages().slice(0, 8).map(capture)); // browser and contexts warm
    const { a: batch, b: sync } = await inTurns(ROUNDS, asBatch, synchronously);
    const ratios = batch.map((rate, round) => rate / (sync[round] ?? Number.NaN));
    report({
      figure: `batch of ${PAGES} distinct pages, production server, memory store`,
      ours: `${median(batch).toFixed(2)} pages/s (one batch, ${RENDERS_AT_ONCE} at once)`,
      baseline: `${median(sync).toFixed(2)} pages/s (synchronous captures, 4 at a time)`,
      ratio: median(ratios),
      target: "—",
      met: undefined,
    });
  } finally {
    await app.stop();
  }
}
