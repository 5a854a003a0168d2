/**
 * Where the browser comes from, measured: a remote browser (a Chromium with a DevTools port,
 * every request of its pages relayed through this process's guard) beside a local one, both the
 * same headless shell; and the cold start of a fresh `next start` process (the serverless
 * stand-in) with `serverless` and with `remote`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { captureOptionsSchema, createCaptureService } from "@shotcache/core";
import {
  ALLOW_ALL,
  type BrowserSource,
  createPuppeteerRenderer,
  findBrowserExecutable,
} from "@shotcache/renderer";
import { createMemoryStore } from "@shotcache/store";
import { type FixtureSite, freePort, startRemoteBrowser } from "@shotcache/testkit";
import { inTurns, median, perSecond, timed } from "./measure";

/** Turns of each latency figure, and rounds of the throughput figure. */
const LATENCY_TURNS = 12;
const THROUGHPUT_ROUNDS = 4;

export interface SourceFigures {
  /** MISS latency of a plain page, and of a page with four sub-requests, in ms. */
  local: { plainMs: number; embedsMs: number; pagesPerSecond: number };
  remote: { plainMs: number; embedsMs: number; pagesPerSecond: number };
  /** The median of the throughput rounds' ratios (remote / local). */
  throughputRatio: number;
}

/** A capture service on the memory store over a renderer of `browser`: every new URL a MISS. */
function missesOn(browser: BrowserSource) {
  const renderer = createPuppeteerRenderer({ browser, network: ALLOW_ALL, concurrency: 4 });
  const service = createCaptureService({ store: createMemoryStore(), renderer });
  return {
    renderer,
    capture: (url: string) => service.capture(captureOptionsSchema.parse({ url })),
  };
}

export async function measureSources(site: FixtureSite): Promise<SourceFigures> {
  const executablePath = await findBrowserExecutable(process.env);
  const remoteBrowser = await startRemoteBrowser({ executablePath });
  const sides = {
    local: missesOn({ kind: "launch", executablePath }),
    remote: missesOn({ kind: "remote", url: remoteBrowser.url }),
  };
  let page = 0;
  const distinct = (path: string) =>
    site.url(`${path}${path.includes("?") ? "&" : "?"}miss=${page++}`);
  const embeds = `/embeds?target=${encodeURIComponent(site.origin)}`;
  try {
    const latency = async (side: keyof typeof sides, path: string) => {
      const ms = await timed(() => sides[side].capture(distinct(path)));
      await sides[side].renderer.settled(); // its next context made ready between requests
      return ms;
    };
    for (const side of ["local", "remote"] as const) {
      for (let i = 0; i < 2; i++) await latency(side, "/stable"); // warm
    }
    const plain = await inTurns(
      LATENCY_TURNS,
      () => latency("local", "/stable"),
      () => latency("remote", "/stable"),
    );
    const withEmbeds = await inTurns(
      LATENCY_TURNS,
      () => latency("local", embeds),
      () => latency("remote", embeds),
    );
    const batch = (side: keyof typeof sides) => async () => {
      await sides[side].renderer.settled();
      const urls = Array.from({ length: 16 }, () => distinct("/stable"));
      return perSecond(16, await timed(() => Promise.all(urls.map(sides[side].capture))));
    };
    const rates = await inTurns(THROUGHPUT_ROUNDS, batch("local"), batch("remote"));
    return {
      local: {
        plainMs: median(plain.a),
        embedsMs: median(withEmbeds.a),
        pagesPerSecond: median(rates.a),
      },
      remote: {
        plainMs: median(plain.b),
        embedsMs: median(withEmbeds.b),
        pagesPerSecond: median(rates.b),
      },
      throughputRatio: median(rates.b.map((rate, round) => rate / (rates.a[round] ?? Number.NaN))),
    };
  } finally {
    await Promise.all([sides.local.renderer.close(), sides.remote.renderer.close()]);
    await remoteBrowser.close();
  }
}

export interface ColdStart {
  /** From the process's start to its first image. */
  fromStartMs: number;
  /** From the first request (the process listening) to its image. */
  fromRequestMs: number;
}

/** Resolves once something accepts connections on `port`, without asking it anything. */
async function listening(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await sleep(20);
  }
}

/**
 * The first MISS of a fresh `next start` process, the route handlers answering as on a
 * serverless host, with an empty temporary folder (so `serverless` extracts its Chromium, as a
 * cold instance does). No request reaches it before the timed one.
 */
export async function coldStart(
  appDir: string,
  site: FixtureSite,
  env: Record<string, string>,
): Promise<ColdStart> {
  const port = await freePort();
  const cold = mkdtempSync(join(tmpdir(), "shotcache-cold-"));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join("node_modules", "next", "dist", "bin", "next"),
      "start",
      "-H",
      "127.0.0.1",
      "-p",
      String(port),
    ],
    {
      cwd: appDir,
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        TMPDIR: cold,
        SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
        ...env,
      },
      stdio: "ignore",
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await listening(port, child);
    const url = `http://127.0.0.1:${port}/api/v1/screenshot?url=${encodeURIComponent(site.url("/stable?cold"))}`;
    const requested = performance.now();
    const answer = await fetch(url);
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`the first capture answered ${answer.status}`);
    const done = performance.now();
    return { fromStartMs: done - started, fromRequestMs: done - requested };
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(cold, { recursive: true, force: true });
  }
}

/**
 * How long @sparticuz/chromium alone takes to unpack its browser into an empty folder, in a fresh
 * process (the part of a serverless cold start that no code of ours can shorten).
 */
export function unpackTime(appDir: string): number {
  const cold = mkdtempSync(join(tmpdir(), "shotcache-unpack-"));
  try {
    const script =
      'import("@sparticuz/chromium").then(async ({ default: c }) => { const t = performance.now(); ' +
      "await c.executablePath(); console.log(performance.now() - t); })";
    const printed = execFileSync(process.execPath, ["-e", script], {
      cwd: appDir,
      env: { ...process.env, TMPDIR: cold },
      encoding: "utf8",
    });
    return Number(printed.trim());
  } finally {
    rmSync(cold, { recursive: true, force: true });
  }
}
