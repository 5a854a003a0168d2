import { type FixtureSite, startRemoteBrowser } from "@shotcache/testkit";
import type { Recorder } from "./recorder";
import { coldStart, measureSources, unpackTime } from "./source-bench";
import { buildWorkspace, WEB_APP_DIR } from "./workspace";

const ms = (value: number) => `${value.toFixed(0)} ms`;

/**
 * A remote browser (every request its pages make relayed through this process's guard) beside a
 * local one, and the cold start of a fresh process with `serverless` and with `remote`.
 */
export async function sourceFigures(recorder: Recorder, site: FixtureSite): Promise<void> {
  const { local, remote, throughputRatio } = await measureSources(site);
  recorder.report(
    {
      figure: "MISS latency, remote browser (DevTools, requests relayed), 1280×720 local page",
      ours: ms(remote.plainMs),
      baseline: `${ms(local.plainMs)} (local browser)`,
      ratio: remote.plainMs / local.plainMs,
      target: "≤ 1.3 × local",
      met: remote.plainMs / local.plainMs <= 1.3,
    },
    {
      figure: "MISS latency, remote browser, a page with 4 sub-requests",
      ours: ms(remote.embedsMs),
      baseline: `${ms(local.embedsMs)} (local browser)`,
      ratio: remote.embedsMs / local.embedsMs,
      target: "—",
      met: undefined,
    },
    {
      figure: "MISS throughput, remote browser, 16 distinct pages, 4 at once",
      ours: `${remote.pagesPerSecond.toFixed(2)} pages/s`,
      baseline: `${local.pagesPerSecond.toFixed(2)} pages/s (local browser)`,
      ratio: throughputRatio,
      target: "—",
      met: undefined,
    },
  );
  await coldStartFigures(recorder, site);
}

/** The first MISS of a fresh `next start` process, with `serverless` and with `remote`. */
async function coldStartFigures({ report, notes }: Recorder, site: FixtureSite): Promise<void> {
  buildWorkspace();
  const remoteBrowser = await startRemoteBrowser();
  try {
    const starts: { name: string; env: Record<string, string>; target?: number }[] = [
      { name: "serverless", env: { SHOTCACHE_BROWSER: "serverless" }, target: 3_000 },
      {
        name: "remote",
        env: { SHOTCACHE_BROWSER: "remote", SHOTCACHE_BROWSER_URL: remoteBrowser.url },
      },
    ];
    for (const { name, env, target } of starts) {
      const cold = await coldStart(WEB_APP_DIR, site, env);
      report({
        figure: `cold start, first MISS of a fresh \`next start\` process, ${name}`,
        ours: `${ms(cold.fromRequestMs)} from its first request`,
        baseline: `${ms(cold.fromStartMs)} from process start`,
        ratio: cold.fromRequestMs / 1000,
        target: target === undefined ? "—" : `≤ ${target / 1000} s from the first request`,
        met: target === undefined ? undefined : cold.fromRequestMs <= target,
      });
    }
  } finally {
    await remoteBrowser.close();
  }
  const unpackMs = unpackTime(WEB_APP_DIR);
  notes.push(
    "Browser sources: both sides of the remote rows use the same headless shell, the remote one " +
      "started with a DevTools port on loopback; each capture is a MISS through the capture " +
      "service (memory store). With a remote browser every request a page makes is paused over " +
      "DevTools, performed by this process through the guard and answered to the browser: the " +
      "sub-request row shows that cost. The cold starts run `next start` (the route handlers, as " +
      "on a serverless host) with an empty temporary folder, so `serverless` first extracts " +
      "@sparticuz/chromium's Chromium there; the ratio column of those rows is seconds. " +
      `Where a serverless cold start's time goes: unpacking the package's browser alone took ` +
      `${ms(unpackMs)} in a fresh process here (brotli, one stream, CPU-bound; it starts in a ` +
      "thread of its own as soon as the first request wakes the app, beside the app's loading); " +
      "Next.js takes about half a second to reach the app's code on a first request, and the " +
      "browser's launch and the first render about 0.4 s more.",
  );
}
