import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port";

export interface Varnish {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  stop(): Promise<void>;
}

/** Throws, saying how to install them, when varnishd or vmod-xkey is missing. */
export function findVarnish(): string {
  try {
    execFileSync("varnishd", ["-V"], { stdio: "ignore" });
  } catch {
    throw new Error("varnishd not found (Debian/Ubuntu: apt-get install varnish varnish-modules)");
  }
  return "varnishd";
}

/**
 * Varnish on 127.0.0.1 and `port` (a free one by default), with a configuration from the
 * repository whose backend is pointed at `backendPort` (its `.port = "…"` line), in a work folder
 * of its own.
 */
export async function startVarnish(options: {
  vclFile: string;
  backendPort: number;
  port?: number;
}): Promise<Varnish> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "shotcache-varnish-"));
  const vcl = join(dir, "shotcache.vcl");
  const source = readFileSync(options.vclFile, "utf8");
  writeFileSync(vcl, source.replace(/\.port = "\d+";/, `.port = "${options.backendPort}";`));
  const child: ChildProcess = spawn(
    "varnishd",
    // `-j none`: no privilege separation, so its worker can read this folder wherever it is.
    [
      "-F",
      "-j",
      "none",
      "-a",
      `127.0.0.1:${port}`,
      "-f",
      vcl,
      "-n",
      join(dir, "work"),
      "-s",
      "malloc,64m",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    // Any answer (a PURGE from here is a 200) says the child is serving.
    const answered = await fetch(origin, { method: "PURGE" }).catch(() => undefined);
    if (answered) return { origin, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`varnishd did not start:\n${output}`);
}
