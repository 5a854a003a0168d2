import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startChild } from "./child";
import { type LoadResult, runLoad } from "./load";
import { inTurns, median } from "./measure";

export const LOAD = { connections: 16, durationSeconds: 3 };
/** Rounds of each hit row: each runs both sides, 3 s each, in turns (see loadSideBySide). */
export const ROUNDS = 6;

export interface SideBySide {
  ours: LoadResult;
  baseline: LoadResult;
  /** The median of the rounds' ratios (ours / baseline). */
  ratio: number;
}

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

/**
 * Loads `url` and `baselineUrl` in short turns, ROUNDS times, the order swapped each round
 * (ABBA), and takes the median of the rounds' ratios. This shared 2-core machine is throttled in
 * spells that last seconds (its steal time climbs under load): two runs side by side fall in the
 * same spell, and the median round is neither side's lucky one.
 */
export async function compareLoads(url: string, baselineUrl: string): Promise<SideBySide> {
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
}

/** `compareLoads` against a baseline server (hit-server.ts) answering the same `bytes`. */
export async function loadSideBySide(
  url: string,
  baselineMode: string[],
  bytes: Uint8Array,
): Promise<SideBySide> {
  const file = join(mkdtempSync(join(tmpdir(), "shotcache-bench-")), "answer");
  writeFileSync(file, bytes);
  const server = await startChild("hit-server.ts", [...baselineMode, file]);
  try {
    return await compareLoads(url, `http://127.0.0.1:${server.ready}/`);
  } finally {
    await server.stop();
    rmSync(dirname(file), { recursive: true, force: true });
  }
}
