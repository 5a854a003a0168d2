import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { exitOf, keptOutput } from "./child-process";
import { freePort } from "./free-port";

export interface WebApp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The server's process. */
  process: ChildProcess;
  /** Output printed so far, for failure messages. */
  output(): string;
  /** SIGTERM, then wait for the exit; resolves to the exit code or signal. */
  stop(): Promise<number | string | null>;
}

export interface StartWebAppOptions {
  /** The app folder (holding `.next` and `dist/server.mjs` from its build). */
  appDir: string;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  /** Longest wait for the server to answer. @default 60000 */
  readyTimeoutMs?: number;
  /** Keep what the server prints (its last 256 KB), for failure messages. @default true */
  keepOutput?: boolean;
  /**
   * Which server: `production`, the app's own (`pnpm start`: the API on its fast path); `next`,
   * `next start`, where every request goes through the Next.js route handlers, as on a
   * serverless host. @default "production"
   */
  server?: "production" | "next";
}

/** The production server, as the app's `start` script (and so `pnpm start`) runs it. */
const SERVER_ENTRY = join("dist", "server.mjs");
/** The render worker, as its `worker` script (and so `pnpm worker`) runs it. */
const WORKER_ENTRY = join("dist", "worker.mjs");

/** Resolves once `origin` answers `/api/health` with 2xx; fails if `app` exits first. */
export async function waitUntilAnswering(origin: string, app: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the server exited with code ${app.exitCode}`);
    try {
      const response = await fetch(`${origin}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the server did not answer within ${timeoutMs} ms`);
}

/** Next.js's own command line, as the app's dependency installs it. */
const NEXT_CLI = join("node_modules", "next", "dist", "bin", "next");

/**
 * A process of the built app (`entry` and its arguments), its output kept, and how to stop it.
 */
function runBuilt(
  [entry, ...args]: readonly string[],
  options: StartWebAppOptions,
  env: Record<string, string>,
) {
  const built = [join(".next", "BUILD_ID"), entry ?? ""];
  if (!built.every((file) => existsSync(join(options.appDir, file)))) {
    throw new Error(`${options.appDir} has no production build: run \`pnpm build\` first.`);
  }
  const child = spawn(process.execPath, [entry ?? "", ...args], {
    cwd: options.appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env, ...options.env },
    stdio: ["ignore", options.keepOutput === false ? "ignore" : "pipe", "pipe"],
  });
  const output = keptOutput(child);
  const exited = exitOf(child);
  return {
    child,
    output,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/**
 * Starts the built web app on 127.0.0.1 and a free port: its production server, or `next start`
 * (`options.server`).
 */
export async function startWebApp(options: StartWebAppOptions): Promise<WebApp> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const command =
    options.server === "next"
      ? [NEXT_CLI, "start", "-H", "127.0.0.1", "-p", String(port)]
      : [SERVER_ENTRY];
  const app = runBuilt(command, options, { PORT: String(port), SHOTCACHE_HOST: "127.0.0.1" });
  try {
    await waitUntilAnswering(origin, app.child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    app.child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${app.output()}`);
  }
  return { origin, process: app.child, output: app.output, stop: app.stop };
}

export type RenderWorkerProcess = Omit<WebApp, "origin">;

/** Starts a render worker of the built app (`pnpm worker`); resolves once it takes jobs. */
export async function startRenderWorkerProcess(
  options: StartWebAppOptions,
): Promise<RenderWorkerProcess> {
  const worker = runBuilt([WORKER_ENTRY], { ...options, keepOutput: true }, {});
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (!worker.output().includes('"msg":"worker ready"')) {
    if (worker.child.exitCode !== null || Date.now() > deadline) {
      worker.child.kill("SIGKILL");
      throw new Error(`the render worker did not start:\n${worker.output()}`);
    }
    await sleep(100);
  }
  return { process: worker.child, output: worker.output, stop: worker.stop };
}
