import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

const hasWrk = (() => {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary throws ENOENT.
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
})();

/** Which load generator runs: wrk (C, light) when installed, else autocannon (Node). */
export const LOAD_TOOL = hasWrk ? "wrk" : "autocannon";

function millis(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

async function withWrk(url: string, options: LoadOptions): Promise<LoadResult> {
  const { stdout } = await run("wrk", [
    "-t2",
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    "--latency",
    url,
  ]);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1];
  const socketErrors = /Socket errors: (.*)/.exec(stdout)?.[1];
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50Ms: millis(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? ""),
    p99Ms: millis(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? ""),
    errors: Number(errors ?? 0) + (socketErrors ? 1 : 0),
  };
}

async function withAutocannon(url: string, options: LoadOptions): Promise<LoadResult> {
  const bin = join(import.meta.dirname, "..", "node_modules", ".bin", "autocannon");
  const { stdout } = await run(bin, [
    "-j",
    "-c",
    String(options.connections),
    "-d",
    String(options.durationSeconds),
    url,
  ]);
  const report = JSON.parse(stdout);
  return {
    requestsPerSecond: report.requests.average,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    errors: report.errors + report.non2xx,
  };
}

/** Drives HTTP load at `url` from a separate process and reads throughput and latency. */
export function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  return hasWrk ? withWrk(url, options) : withAutocannon(url, options);
}
