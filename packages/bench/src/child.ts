import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const TSX = join(import.meta.dirname, "..", "node_modules", ".bin", "tsx");

export interface Child {
  process: ChildProcess;
  /** What the child printed on its READY line (after `READY `). */
  ready: string;
  stop(): Promise<void>;
}

/**
 * Runs one of this package's scripts in its own process (a server under test, or a baseline),
 * and waits for its `READY …` line. Servers and the load generator never share a process.
 */
export async function startChild(script: string, args: string[] = []): Promise<Child> {
  const child = spawn(TSX, [join(import.meta.dirname, script), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  const ready = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      const line = /^READY (.*)$/m.exec(output);
      if (line) resolve(line[1] ?? "");
    });
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}): ${output}`)));
  });
  return {
    process: child,
    ready,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Resident memory of a process, in bytes, from /proc (Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return kib * 1024;
}
