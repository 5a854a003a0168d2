import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  descendantsOf,
  type FixtureSite,
  freePort,
  startFixtureSite,
  survivorsAfter,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "./app-under-test";

const ROOT = join(import.meta.dirname, "..", "..", "..");

interface Started {
  pnpm: ChildProcess;
  origin: string;
  exited: Promise<number | string | null>;
  output(): string;
}

/** The README's run command, `pnpm start`, in a process group of its own (as a terminal has). */
async function pnpmStart(tempDir: string): Promise<Started> {
  const port = await freePort();
  const pnpm = spawn("pnpm", ["start"], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
      TMPDIR: tempDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  pnpm.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  pnpm.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | string | null>((resolve) =>
    pnpm.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  const origin = `http://127.0.0.1:${port}`;
  // The build is turbo's cached one (the suite built the app); the server then starts.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (pnpm.exitCode !== null) throw new Error(`pnpm start exited early:\n${output}`);
    const health = await fetch(`${origin}/api/health`).catch(() => undefined);
    if (health?.ok) return { pnpm, origin, exited, output: () => output };
    await sleep(200);
  }
  process.kill(-(pnpm.pid ?? 0), "SIGKILL");
  throw new Error(`pnpm start did not answer in time:\n${output}`);
}

describe.skipIf(!browserAvailable)(
  "pnpm start, stopped as deployments and terminals stop it",
  () => {
    let site: FixtureSite;
    beforeAll(async () => {
      site = await startFixtureSite();
    });
    afterAll(() => site?.close());

    it.each([
      ["SIGTERM to pnpm alone (a process manager)", false, "SIGTERM"],
      ["SIGINT to the whole process group (Ctrl-C)", true, "SIGINT"],
    ] as const)(
      "%s: the render in flight finishes, then everything exits 0",
      async (_name, toGroup, signal) => {
        const tempDir = mkdtempSync(join(tmpdir(), "shotcache-start-"));
        const started = await pnpmStart(tempDir);
        const pnpmPid = started.pnpm.pid ?? 0;
        try {
          const slowPage = encodeURIComponent(site.url(`/slow?ms=2500&signal=${signal}`));
          const asked = site.requestCount("/slow");
          const inFlight = fetch(`${started.origin}/api/v1/screenshot?url=${slowPage}`);
          // The render is under way once the browser has asked for the slow page.
          while (site.requestCount("/slow") === asked) await sleep(50);
          const everyProcess = descendantsOf(pnpmPid).map((p) => p.pid);

          process.kill(toGroup ? -pnpmPid : pnpmPid, signal);

          const response = await inFlight;
          expect(response.status).toBe(200);
          expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
          expect(await started.exited, started.output()).toBe(0);
          // The server, its browser and pnpm's own shells: none is left running.
          expect(await survivorsAfter(everyProcess)).toEqual([]);
        } finally {
          if (started.pnpm.exitCode === null) process.kill(-pnpmPid, "SIGKILL");
          rmSync(tempDir, { recursive: true, force: true });
        }
      },
    );
  },
);
