import type { FixtureSite } from "@shotcache/testkit";
import type { Recorder } from "./recorder";
import { measureWorkers } from "./worker-bench";
import { buildWorkspace, WEB_APP_DIR } from "./workspace";

/** Render throughput on two render workers fed from the queue, beside the in-process pool. */
export async function workerFigures({ report }: Recorder, site: FixtureSite): Promise<void> {
  buildWorkspace();
  const { workers, inProcess, ratio } = await measureWorkers(site, WEB_APP_DIR);
  report({
    figure: "render throughput, 16 distinct pages, two render workers on the queue",
    ours: `${workers.toFixed(2)} pages/s (2 workers, 1 render each)`,
    baseline: `${inProcess.toFixed(2)} pages/s (in-process pool, 2 at once)`,
    ratio,
    target: "—",
    met: undefined,
  });
}
