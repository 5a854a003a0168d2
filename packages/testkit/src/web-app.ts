import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port";

export interface WebApp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The production server's process. */
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
}

/** The production server, as the app's `start` script (and so `pnpm start`) runs it. */
const SERVER_ENTRY = join("dist", "server.mjs");
const KEPT_OUTPUT_CHARS = 256 * 1024;

async function waitUntilAnswering(origin: string, app: ChildProcess, timeoutMs: number) {
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

/** Starts the built web app's production server on 127.0.0.1 and a free port. */
export async function startWebApp(options: StartWebAppOptions): Promise<WebApp> {
  const built = [join(".next", "BUILD_ID"), SERVER_ENTRY];
  if (!built.every((file) => existsSync(join(options.appDir, file)))) {
    throw new Error(`${options.appDir} has no production build: run \`pnpm build\` first.`);
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: options.appDir,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      SHOTCACHE_HOST: "127.0.0.1",
      ...options.env,
    },
    stdio: ["ignore", options.keepOutput === false ? "ignore" : "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk).slice(-KEPT_OUTPUT_CHARS);
  };
  app.stdout?.on("data", keep);
  app.stderr?.on("data", keep);
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
