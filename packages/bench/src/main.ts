/**
 * `pnpm bench`: every performance figure of the design beside its baseline, measured in one run
 * on this machine; prints a table and writes results/latest.{json,md}.
 * `pnpm bench hits|renders|client …` measures only those groups and writes no results: for
 * working on one figure.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createShotcacheClient } from "@shotcache/sdk";
import {
  type FixtureSite,
  startFixtureSite,
  startRedisServer,
  startRemoteBrowser,
  startWebApp,
} from "@shotcache/testkit";
import { residentBytes, startChild } from "./child";
import { LOAD_TOOL, type LoadResult, runLoad } from "./load";
import { inTurns, median } from "./measure";
import { measureRenders } from "./render-bench";
import { machine, markdown, type Results, type Row, rowLine, table } from "./report";
import { coldStart, measureSources, unpackTime } from "./source-bench";
import { measureWorkers } from "./worker-bench";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const LOAD = { connections: 16, durationSeconds: 3 };
/** Rounds of each hit row: each runs both sides, 3 s each, in turns (see loadSideBySide). */
const ROUNDS = 6;
const notes: string[] = [];
const rows: Row[] = [];

/** Keeps a row for the results and prints it at once: a long run shows its figures as it goes. */
function report(...measured: Row[]): void {
  for (const row of measured) {
    rows.push(row);
    console.log(rowLine(row));
  }
}

const perSecond = (value: number) => `${Math.round(value).toLocaleString("en")} req/s`;
const latency = (result: LoadResult) =>
  `${perSecond(result.requestsPerSecond)}, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`;

/** Warms `url` (the first request renders) and the server's code. */
async function warm(url: string): Promise<void> {
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  await runLoad(url, { ...LOAD, durationSeconds: 2 });
}

/** The run of median throughput: its latencies come with it. */
const medianRun = (runs: LoadResult[]) => {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)] as LoadResult;
};

interface SideBySide {
  ours: LoadResult;
  baseline: LoadResult;
  /** The median of the rounds' ratios (ours / baseline). */
  ratio: number;
}

/**
 * Loads `url` and a baseline server (hit-server.ts) answering the same `bytes` in short turns,
 * ROUNDS times, the order swapped each round (ABBA), and takes the median of the rounds' ratios.
 * This shared 2-core machine is throttled in spells that last seconds (its steal time climbs
 * under load): two runs side by side fall in the same spell, and the median round is neither
 * side's lucky one.
 */
async function loadSideBySide(
  url: string,
  baselineMode: string[],
  bytes: Uint8Array,
): Promise<SideBySide> {
  const file = join(mkdtempSync(join(tmpdir(), "shotcache-bench-")), "answer");
  writeFileSync(file, bytes);
  const server = await startChild("hit-server.ts", [...baselineMode, file]);
  const baselineUrl = `http://127.0.0.1:${server.ready}/`;
  try {
    await warm(url);
    await warm(baselineUrl);
    const { a: ours, b: baseline } = await inTurns(
      ROUNDS,
      () => runLoad(url, LOAD),
      () => runLoad(baselineUrl, LOAD),
    );
    const ratios = ours.map(
      (run, round) => run.requestsPerSecond / (baseline[round] as LoadResult).requestsPerSecond,
    );
    console.log(`  rounds' ratios: ${ratios.map((ratio) => ratio.toFixed(2)).join(" ")}`);
    return { ours: medianRun(ours), baseline: medianRun(baseline), ratio: median(ratios) };
  } finally {
    await server.stop();
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

const answerBytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

function hitRow(
  figure: string,
  { ours, baseline, ratio }: SideBySide,
  target: number | undefined,
  baselineName: string,
): Row {
  if (ours.errors > 0) notes.push(`${figure}: ${ours.errors} failed requests.`);
  return {
    figure,
    ours: latency(ours),
    baseline: `${latency(baseline)} (${baselineName})`,
    ratio,
    target: target === undefined ? "—" : `≥ ${target} × baseline`,
    met: target === undefined ? undefined : ratio >= target,
  };
}

/**
 * Cache hits through the production server, started as `pnpm start` starts it, with the memory
 * store and with Redis (with and without the process's copies of popular entries): each beside a
 * bare node:http server answering the very same bytes (plus one Redis GET of them for the Redis
 * rows), and a tRPC `screenshot.capture` hit beside bare node:http answering the same JSON.
 */
async function hitFigures(site: FixtureSite): Promise<void> {
  execFileSync("pnpm", ["build"], { cwd: ROOT, stdio: "ignore" });
  const redis = await startRedisServer();
  const appEnv = {
    SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
    // One client hammering one URL: a per-address rate limit would answer most of it with 429.
    SHOTCACHE_RATE_LIMIT_PER_MINUTE: "0",
  };
  const withRedis = { ...appEnv, REDIS_URL: redis.url };
  const redisBaseline = { mode: ["bare-redis", redis.url], name: "node:http + 1 Redis GET" };
  const setups = [
    {
      store: "memory store",
      env: appEnv,
      baseline: { mode: ["bare"], name: "bare node:http" },
      target: 0.5,
      withTrpcRow: true,
    },
    { store: "Redis store", env: withRedis, baseline: redisBaseline, target: 0.8 },
    {
      store: "Redis store, no local copies",
      env: { ...withRedis, SHOTCACHE_LOCAL_CACHE_MAX_BYTES: "0" },
      baseline: redisBaseline,
      target: undefined,
    },
  ];
  const page = site.url("/noise");
  const rest = `/api/v1/screenshot?url=${encodeURIComponent(page)}&width=200&height=200`;
  const trpc = `/api/trpc/screenshot.capture?input=${encodeURIComponent(JSON.stringify({ url: page, width: 200, height: 200 }))}`;
  try {
    for (const setup of setups) {
      const app = await startWebApp({
        appDir: join(ROOT, "apps", "web"),
        env: setup.env,
        keepOutput: false, // its log lines go to /dev/null, as cheaply as a log shipper reads them
      });
      try {
        const bytes = await answerBytes(`${app.origin}${rest}`);
        const measured = await loadSideBySide(`${app.origin}${rest}`, setup.baseline.mode, bytes);
        const figure = `cache hit, ${Math.round(bytes.byteLength / 1024)} KB PNG, ${setup.store}, production server`;
        report(hitRow(figure, measured, setup.target, setup.baseline.name));
        if ("withTrpcRow" in setup) {
          const json = await answerBytes(`${app.origin}${trpc}`);
          const trpcHit = await loadSideBySide(`${app.origin}${trpc}`, ["bare"], json);
          report(
            hitRow(
              `tRPC screenshot.capture hit, ${Math.round(json.byteLength / 1024)} KB JSON, memory store`,
              trpcHit,
              undefined,
              "bare node:http, same bytes",
            ),
          );
        }
      } finally {
        await app.stop();
      }
    }
  } finally {
    await redis.stop();
  }
}

async function renderFigures(site: FixtureSite): Promise<void> {
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

/** Render throughput on two render workers fed from the queue, beside the in-process pool. */
async function workerFigures(site: FixtureSite): Promise<void> {
  execFileSync("pnpm", ["build"], { cwd: ROOT, stdio: "ignore" });
  const { workers, inProcess, ratio } = await measureWorkers(site, join(ROOT, "apps", "web"));
  report({
    figure: "render throughput, 16 distinct pages, two render workers on the queue",
    ours: `${workers.toFixed(2)} pages/s (2 workers, 1 render each)`,
    baseline: `${inProcess.toFixed(2)} pages/s (in-process pool, 2 at once)`,
    ratio,
    target: "—",
    met: undefined,
  });
}

async function bandwidthAndMemoryFigures(): Promise<void> {
  const capBytes = 64 * 1024 * 1024;
  const host = await startChild("bench-host.ts", [String(capBytes)]);
  try {
    const origin = `http://127.0.0.1:${host.ready}`;
    const input = { url: "https://bench.test/unchanged" };
    let plainBytes = 0;
    for (let i = 0; i < 100; i++) {
      const response = await fetch(
        `${origin}/api/v1/screenshot?url=${encodeURIComponent(input.url)}`,
      );
      plainBytes += (await response.arrayBuffer()).byteLength;
    }
    let sdkBytes = 0;
    const counting: typeof fetch = async (request, init) => {
      const response = await fetch(request, init);
      sdkBytes += (await response.clone().arrayBuffer()).byteLength;
      return response;
    };
    const client = createShotcacheClient({ baseUrl: origin, fetch: counting });
    for (let i = 0; i < 100; i++) await client.capture(input);
    report({
      figure: "client bandwidth, 100 polls of an unchanged capture",
      ours: `${(sdkBytes / 1024).toFixed(0)} KB (SDK, ETag)`,
      baseline: `${(plainBytes / 1024).toFixed(0)} KB (no ETag)`,
      ratio: sdkBytes / plainBytes,
      target: "≤ 0.01 × baseline",
      met: sdkBytes / plainBytes <= 0.01,
    });

    for (let i = 0; i < 2_000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          fetch(
            `${origin}/api/v1/screenshot?url=${encodeURIComponent(`https://bench.test/${i + j}`)}`,
          ).then((response) => response.arrayBuffer()),
        ),
      );
    }
    const rss = await residentBytes(host.process.pid ?? 0);
    const limit = capBytes + 150 * 1024 * 1024;
    report({
      figure: "memory: RSS after 2,000 distinct 50 KB entries",
      ours: `${(rss / 2 ** 20).toFixed(0)} MiB`,
      baseline: `64 MiB cap + 150 MiB`,
      ratio: rss / limit,
      target: "≤ 1 × (cap + 150 MiB)",
      met: rss <= limit,
    });
  } finally {
    await host.stop();
  }
}

/**
 * A remote browser (every request its pages make relayed through this process's guard) beside a
 * local one, and the cold start of a fresh process with `serverless` and with `remote`.
 */
async function sourceFigures(site: FixtureSite): Promise<void> {
  const { local, remote, throughputRatio } = await measureSources(site);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  report(
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

  execFileSync("pnpm", ["build"], { cwd: ROOT, stdio: "ignore" });
  const appDir = join(ROOT, "apps", "web");
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
      const cold = await coldStart(appDir, site, env);
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
  const unpackMs = unpackTime(appDir);
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

const GROUPS = {
  hits: hitFigures,
  renders: renderFigures,
  workers: workerFigures,
  client: bandwidthAndMemoryFigures,
  sources: sourceFigures,
} satisfies Record<string, (site: FixtureSite) => Promise<void>>;
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  console.error(
    `bench: unknown group ${unknown.join(", ")}; the groups: ${Object.keys(GROUPS).join(", ")}`,
  );
  process.exit(2);
}
const everything = asked.length === 0;

const started = Date.now();
const site = await startFixtureSite();
try {
  for (const [name, measure] of Object.entries(GROUPS)) {
    if (everything || asked.includes(name)) await measure(site);
  }
} finally {
  await site.close();
}

notes.push(
  "Cache hits are measured through the production server, started as `pnpm start` starts it " +
    "(`node dist/server.mjs`: REST and tRPC on the node:http fast path, pages through Next.js), " +
    "with request logging on (to /dev/null) and the per-address rate limit off; each baseline " +
    `answers the same bytes the server answered. Each hit row is ${ROUNDS} rounds of ` +
    `${LOAD.durationSeconds} s runs of both sides in turns (the order swapped each round); ` +
    "its ratio is the median of the rounds' ratios, and each side shows its median run. " +
    "With Redis, each hit asks Redis for the entry; " +
    "when this process already holds a copy of it, Redis answers that the copy is current instead " +
    "of sending the image again (SHOTCACHE_LOCAL_CACHE_MAX_BYTES; the `no local copies` row " +
    "turns that off).",
);
if (!everything) {
  console.log(`\n${notes.join("\n")}`);
  console.log(`\nbench: ${asked.join(", ")} only; no results written`);
  process.exit(0);
}
const results: Results = {
  date: new Date().toISOString(),
  machine: machine(LOAD_TOOL),
  rows,
  notes,
};
const directory = join(import.meta.dirname, "..", "results");
writeFileSync(join(directory, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(directory, "latest.md"), markdown(results));
console.log(table(results));
console.log(`\n${results.notes.join("\n")}`);
console.log(
  `\nbench: ${((Date.now() - started) / 1000).toFixed(0)} s; results in packages/bench/results/`,
);
