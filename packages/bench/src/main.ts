/**
 * `pnpm bench`: every performance figure of the design beside its baseline, measured in one run
 * on this machine; prints a table and writes results/latest.{json,md}.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createShotcacheClient } from "@shotcache/sdk";
import { startFixtureSite, startRedisServer, startWebApp } from "@shotcache/testkit";
import { residentBytes, startChild } from "./child";
import { LOAD_TOOL, type LoadResult, runLoad } from "./load";
import { measureRenders } from "./render-bench";
import { machine, markdown, type Results, type Row, table } from "./report";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const LOAD = { connections: 16, durationSeconds: 8 };
const notes: string[] = [];
const rows: Row[] = [];

const perSecond = (value: number) => `${Math.round(value).toLocaleString("en")} req/s`;
const latency = (result: LoadResult) =>
  `${perSecond(result.requestsPerSecond)}, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`;

/** Starts a server script, warms it, loads it, stops it. */
async function loadServer(args: string[], path: string): Promise<LoadResult> {
  const server = await startChild("hit-server.ts", args);
  try {
    const url = `http://127.0.0.1:${server.ready}${path}`;
    for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer(); // miss, then hits
    await runLoad(url, { ...LOAD, durationSeconds: 2 }); // warm-up
    return await runLoad(url, LOAD);
  } finally {
    await server.stop();
  }
}

function hitRow(figure: string, ours: LoadResult, baseline: LoadResult, target: number): Row {
  const ratio = ours.requestsPerSecond / baseline.requestsPerSecond;
  if (ours.errors > 0) notes.push(`${figure}: ${ours.errors} failed requests.`);
  return {
    figure,
    ours: latency(ours),
    baseline: latency(baseline),
    ratio,
    target: `≥ ${target} × baseline`,
    met: ratio >= target,
  };
}

async function hitFigures(): Promise<void> {
  const redis = await startRedisServer();
  try {
    const path = `/api/v1/screenshot?url=${encodeURIComponent("https://bench.test/page")}`;
    const bare = await loadServer(["bare"], "/");
    const memory = await loadServer(["shotcache", "memory"], path);
    const bareRedis = await loadServer(["bare-redis", redis.url], "/");
    const redisHits = await loadServer(["shotcache", "redis", redis.url], path);
    rows.push(
      hitRow("cache hit, 120 KB, memory store (node:http mount)", memory, bare, 0.5),
      hitRow("cache hit, 120 KB, Redis store (node:http mount)", redisHits, bareRedis, 0.8),
    );
    rows.push({
      ...hitRow("", bare, bare, 1),
      figure: "(baseline: bare node:http from memory)",
      ratio: 1,
      met: undefined,
      target: "—",
    });
  } finally {
    await redis.stop();
  }
}

async function nextFigure(site: Awaited<ReturnType<typeof startFixtureSite>>): Promise<void> {
  execFileSync("pnpm", ["build"], { cwd: ROOT, stdio: "ignore" });
  const app = await startWebApp({
    appDir: join(ROOT, "apps", "web"),
    // One client hammering one URL: the per-address rate limit would answer most of it with 429.
    env: { SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true", SHOTCACHE_RATE_LIMIT_PER_MINUTE: "0" },
  });
  const bare = await startChild("hit-server.ts", ["bare"]);
  try {
    const url = `${app.origin}/api/v1/screenshot?url=${encodeURIComponent(site.url("/noise"))}&width=200&height=200`;
    const bytes = (await (await fetch(url)).arrayBuffer()).byteLength;
    await runLoad(url, { ...LOAD, durationSeconds: 2 });
    const next = await runLoad(url, LOAD);
    const floor = await runLoad(`http://127.0.0.1:${bare.ready}/`, LOAD);
    const row = hitRow(
      `cache hit, ${Math.round(bytes / 1024)} KB, Next route (pnpm start)`,
      next,
      floor,
      0.5,
    );
    rows.push({ ...row, target: "— (framework cost, see notes)", met: undefined });
  } finally {
    await bare.stop();
    await app.stop();
  }
}

async function renderFigures(site: Awaited<ReturnType<typeof startFixtureSite>>): Promise<void> {
  const figures = await measureRenders(site);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const pps = (value: number) => `${value.toFixed(2)} pages/s`;
  rows.push(
    {
      figure: "render latency, warm, 1280×720 local page",
      ours: ms(figures.oursMs),
      baseline: `${ms(figures.floorMs)} (warm browser, fresh page)`,
      ratio: figures.oursMs / figures.floorMs,
      target: "≤ 1.15 × floor",
      met: figures.oursMs / figures.floorMs <= 1.15,
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
      ratio: figures.oursPagesPerSecond / figures.floorPagesPerSecond,
      target: "≥ 0.9 × floor",
      met: figures.oursPagesPerSecond / figures.floorPagesPerSecond >= 0.9,
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
    rows.push({
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
    rows.push({
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

const started = Date.now();
const site = await startFixtureSite();
try {
  await hitFigures();
  await nextFigure(site);
  await renderFigures(site);
  await bandwidthAndMemoryFigures();
} finally {
  await site.close();
}

notes.push(
  "Cache hits are measured on shotcache's REST handler mounted on node:http (packages/api " +
    "`nodeHandler`), the design's fast path; the Next route row shows what the framework adds " +
    "around the same handler.",
);
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
