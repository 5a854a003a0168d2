/**
 * Cache hits through the production server, started as `pnpm start` starts it, with the memory
 * store and with Redis (with and without the process's copies of popular entries): each beside a
 * bare node:http server answering the very same bytes (plus one Redis GET of them for the Redis
 * rows), and a tRPC `screenshot.capture` hit beside bare node:http answering the same JSON.
 */
import { type FixtureSite, startRedisServer, startWebApp } from "@shotcache/testkit";
import type { LoadResult } from "./load";
import type { Recorder } from "./recorder";
import type { Row } from "./report";
import { LOAD, loadSideBySide, ROUNDS, type SideBySide } from "./side-by-side";
import { buildWorkspace, WEB_APP_DIR } from "./workspace";

/** How the hit rows were measured: a note of every run, whichever groups it measured. */
export const HIT_METHOD_NOTE =
  "Cache hits are measured through the production server, started as `pnpm start` starts it " +
  "(`node dist/server.mjs`: REST and tRPC on the node:http fast path, pages through Next.js), " +
  "with request logging on (to /dev/null) and the per-address rate limit off; each baseline " +
  `answers the same bytes the server answered. Each hit row is ${ROUNDS} rounds of ` +
  `${LOAD.durationSeconds} s runs of both sides in turns (the order swapped each round); ` +
  "its ratio is the median of the rounds' ratios, and each side shows its median run. " +
  "With Redis, each hit asks Redis for the entry; " +
  "when this process already holds a copy of it, Redis answers that the copy is current instead " +
  "of sending the image again (SHOTCACHE_LOCAL_CACHE_MAX_BYTES; the `no local copies` row " +
  "turns that off).";

const perSecond = (value: number) => `${Math.round(value).toLocaleString("en")} req/s`;
export const latency = (result: LoadResult) =>
  `${perSecond(result.requestsPerSecond)}, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`;

const answerBytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

export function hitRow(
  notes: string[],
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

export async function hitFigures({ report, notes }: Recorder, site: FixtureSite): Promise<void> {
  buildWorkspace();
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
        appDir: WEB_APP_DIR,
        env: setup.env,
        keepOutput: false, // its log lines go to /dev/null, as cheaply as a log shipper reads them
      });
      try {
        const bytes = await answerBytes(`${app.origin}${rest}`);
        const measured = await loadSideBySide(`${app.origin}${rest}`, setup.baseline.mode, bytes);
        const figure = `cache hit, ${Math.round(bytes.byteLength / 1024)} KB PNG, ${setup.store}, production server`;
        report(hitRow(notes, figure, measured, setup.target, setup.baseline.name));
        if ("withTrpcRow" in setup) {
          const json = await answerBytes(`${app.origin}${trpc}`);
          const trpcHit = await loadSideBySide(`${app.origin}${trpc}`, ["bare"], json);
          report(
            hitRow(
              notes,
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
