import type { FixtureSite } from "@shotcache/testkit";
import type { Recorder } from "./recorder";
import { measureRenders } from "./render-bench";

/**
 * Renders in this process's pool beside the floor (a warm browser, a fresh page), an incognito
 * context per capture, and a browser launched per capture; throughput; and coalescing.
 */
export async function renderFigures({ report, notes }: Recorder, site: FixtureSite): Promise<void> {
  const figures = await measureRenders(site);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const pps = (value: number) => `${value.toFixed(2)} pages/s`;
  report(
    {
      figure: "render latency, warm, 1280×720 local page",
      ours: ms(figures.oursMs),
      baseline: `${ms(figures.floorMs)} (warm browser, fresh page)`,
      ratio: figures.oursMs / figures.floorMs,
      target: "≤ 1.1 × floor",
      met: figures.oursMs / figures.floorMs <= 1.1,
    },
    {
      figure: "render latency, an incognito context per capture (isolation, no guard)",
      ours: ms(figures.incognitoMs),
      baseline: `${ms(figures.floorMs)} (warm browser, fresh page)`,
      ratio: figures.incognitoMs / figures.floorMs,
      target: "—",
      met: undefined,
    },
    {
      figure: "render latency vs. a browser per request",
      ours: ms(figures.oursMs),
      baseline: `${ms(figures.launchPerRequestMs)} (launch per capture)`,
      ratio: figures.launchPerRequestMs / figures.oursMs,
      target: "≥ 3 × faster",
      met: figures.launchPerRequestMs / figures.oursMs >= 3,
    },
    {
      figure: "render throughput, 16 distinct pages, 4 at once",
      ours: pps(figures.oursPagesPerSecond),
      baseline: pps(figures.floorPagesPerSecond),
      ratio: figures.throughputRatio,
      target: "≥ 0.85 × floor",
      met: figures.throughputRatio >= 0.85,
    },
    {
      figure: "coalescing: 50 concurrent identical misses",
      ours: `${figures.coalescedRenders} render(s)`,
      baseline: "50 requests",
      ratio: figures.coalescedRenders,
      target: "exactly 1 render",
      met: figures.coalescedRenders === 1,
    },
  );
  const steps = (named: Record<string, number>) =>
    Object.entries(named)
      .map(([step, value]) => `${step} ${ms(value)}`)
      .join(", ");
  notes.push(
    "Where a warm render's time goes (each step's median over the latency turns): " +
      `shotcache: ${steps({ ...figures.oursSteps })}; ` +
      `the floor: ${steps({ ...figures.floorSteps })}. ` +
      "A screenshot is Chromium's own work: a fresh frame drawn at its next 60 Hz tick, read " +
      "back, and encoded as PNG on the browser's main thread. Ours is timed from the request " +
      "to the image, as a caller waits for it: its context, page, screen and guard were made " +
      "ready before it, and are closed after the answer (neither is timed, as on a server " +
      "between requests; in the throughput rows, all but the first four contexts of a batch " +
      "are made ready and closed within its time). The floor's time includes its new " +
      "page and its close; a browser per capture adds its launch and exit to the floor.",
  );
}
