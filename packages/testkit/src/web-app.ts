import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port";

export interface WebApp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The `next start` process. */
  process: ChildProcess;
  /** Output printed so far, for failure messages. */
  output(): string;
  /** SIGTERM, then wait for the exit; resolves to the exit code or signal. */
  stop(): Promise<number | string | null>;
}

export interface StartWebAppOptions {
  /** The Next.js app folder (holding `.next` from `next build`). */
  appDir: string;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  /** Longest wait for the server to answer. @default 60000 */
  readyTimeoutMs?: number;
}

async function waitUntilAnswering(origin: string, app: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`next start exited with code ${app.exitCode}`);
    try {
      const response = await fetch(`${origin}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`next start did not answer within ${timeoutMs} ms`);
}

/** Starts the built web app with `next start` on 127.0.0.1 and a free port. */
export async function startWebApp(options: StartWebAppOptions): Promise<WebApp> {
  if (!existsSync(join(options.appDir, ".next", "BUILD_ID"))) {
    throw new Error(`${options.appDir} has no production build: run \`pnpm build\` first.`);
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const nextBin = join(options.appDir, "node_modules", "next", "dist", "bin", "next");
  const app = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: options.appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  app.stdout?.on("data", (chunk) => (output += chunk));
  app.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | string | null>((resolve) =>
    app.once("exit", (code, signal) => resolve(code ?? signal)),
  );

  try {
    await waitUntilAnswering(origin, app, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    app.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${output}`);
  }

  return {
    origin,
    process: app,
    output: () => output,
    async stop() {
      if (app.exitCode === null && app.signalCode === null) app.kill("SIGTERM");
      return exited;
    },
  };
}
