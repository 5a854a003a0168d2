import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface ServerProcess {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Stops the server, waits for it to exit and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a server (nginx, Varnish) that works in `dir`, and waits until it answers a PURGE of
 * `probePath` (any answer will do); on failure it is stopped and what it printed is thrown.
 */
export async function startServerProcess(options: {
  name: string;
  command: string;
  args: string[];
  dir: string;
  origin: string;
  probePath: string;
}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(options.command, options.args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(options.dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const probe = `${options.origin}${options.probePath}`;
    const answered = await fetch(probe, { method: "PURGE" }).catch(() => undefined);
    if (answered) return { origin: options.origin, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`${options.name} did not start:\n${output}`);
}
