/**
 * `pnpm soak [--minutes N]` (default 5): mixed traffic against the production server on Redis
 * while a fault injector kills Chromium processes, pauses Redis (DEBUG SLEEP) and restarts it.
 * Reports answers by status, unexpected 5xx, latency by cache status, the server's memory and
 * open handles, Chromium left behind, and images whose bytes do not match their ETag; writes
 * results/soak.{json,md}. Not part of `pnpm test`: it takes minutes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startFixtureSite, startRedisServer, startWebApp } from "@shotcache/testkit";
import { machine } from "../report";
import { injectFaults } from "./faults";
import {
  type ResourceSample,
  type SoakResults,
  sampleResources,
  soakMarkdown,
  summarize,
} from "./report";
import { runTraffic } from "./traffic";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const API_KEY = "soak-key-0123456789abcdef";
const CALLERS = 6;
const FAULT_EVERY_SECONDS = 20;
const SAMPLE_EVERY_SECONDS = 10;

const minutesArg = process.argv.indexOf("--minutes");
const minutes = minutesArg === -1 ? 5 : Number(process.argv[minutesArg + 1]);
if (!(minutes > 0 && minutes <= 30)) {
  console.error("soak: --minutes takes a number from 0 to 30");
  process.exit(2);
}

console.log("soak: building the app");
execFileSync("pnpm", ["build"], { cwd: ROOT, stdio: "ignore" });
const tempDir = mkdtempSync(join(tmpdir(), "shotcache-soak-"));
const redis = await startRedisServer(["--enable-debug-command", "local"]);
const site = await startFixtureSite();
const app = await startWebApp({
  appDir: join(ROOT, "apps", "web"),
  keepOutput: false,
  env: {
    REDIS_URL: redis.url,
    SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
    // The traffic comes "through" one proxy, which names each caller in X-Forwarded-For.
    SHOTCACHE_TRUSTED_PROXIES: "1",
    SHOTCACHE_RATE_LIMIT_PER_MINUTE: "300",
    SHOTCACHE_API_KEYS: API_KEY,
    TMPDIR: tempDir,
  },
});
const serverPid = app.process.pid ?? 0;

// Warm: the browser started, the code paths taken once.
for (let i = 0; i < 3; i++) {
  const url = encodeURIComponent(site.url(`/stable?hot=${i}`));
  await (await fetch(`${app.origin}/api/v1/screenshot?url=${url}`)).arrayBuffer();
}

console.log(`soak: ${minutes} min of traffic, a fault every ${FAULT_EVERY_SECONDS} s`);
const startedAt = Date.now();
const until = startedAt + minutes * 60_000;
const samples: ResourceSample[] = [sampleResources(serverPid, 0)];
const sampler = (async () => {
  while (Date.now() < until) {
    await sleep(SAMPLE_EVERY_SECONDS * 1000);
    samples.push(sampleResources(serverPid, (Date.now() - startedAt) / 1000));
  }
})();
const [traffic, faults] = await Promise.all([
  runTraffic({ origin: app.origin, page: site.url, apiKey: API_KEY, callers: CALLERS, until }),
  injectFaults({ serverPid, redis, everySeconds: FAULT_EVERY_SECONDS, startedAt, until }),
  sampler,
]);
// Idle for a moment: connections close, renders in the background finish.
await sleep(5_000);
const end = sampleResources(serverPid, (Date.now() - startedAt) / 1000);

const exitCode = await app.stop();
await sleep(2_000);
const chromiumLeft = (() => {
  try {
    return execFileSync("pgrep", ["-f", tempDir], { encoding: "utf8" }).trim().split("\n").length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
})();
const foldersLeft = readdirSync(tempDir).filter((name) =>
  /^(shotcache-chromium-|org\.chromium\.Chromium\.|puppeteer_dev_chrome_profile-)/.test(name),
).length;
await Promise.all([site.close(), redis.stop()]);
rmSync(tempDir, { recursive: true, force: true });

const results: SoakResults = {
  date: new Date(startedAt).toISOString(),
  machine: machine("fetch"),
  minutes,
  callers: CALLERS,
  traffic,
  faults,
  samples,
  end,
  serverExitCode: exitCode,
  chromiumLeft,
  foldersLeft,
};
const markdown = soakMarkdown(results);
const directory = join(import.meta.dirname, "..", "..", "results");
writeFileSync(join(directory, "soak.md"), markdown);
writeFileSync(
  join(directory, "soak.json"),
  `${JSON.stringify({ date: results.date, machine: results.machine, minutes, faults, ...summarize(results) }, null, 2)}\n`,
);
console.log(`\n${markdown}\nsoak: results in packages/bench/results/soak.md`);
