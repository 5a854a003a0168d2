import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port";

export interface Nginx {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  stop(): Promise<void>;
}

const PURGE_MODULE = "/usr/lib/nginx/modules/ngx_http_cache_purge_module.so";

/** Throws, saying how to install them, when nginx or its cache-purge module is missing. */
export function findNginx(): string {
  try {
    execFileSync("nginx", ["-v"], { stdio: "ignore" });
  } catch {
    throw new Error("nginx not found (Debian/Ubuntu: apt-get install nginx-light)");
  }
  if (!existsSync(PURGE_MODULE)) {
    throw new Error(
      "the cache purge module is missing (Debian/Ubuntu: apt-get install libnginx-mod-http-cache-purge)",
    );
  }
  return "nginx";
}

/**
 * nginx on 127.0.0.1 and `port` (a free one by default), with a configuration from the repository
 * whose upstream is pointed at `backendPort` and whose `listen` at that port, in a folder of its
 * own.
 */
export async function startNginx(options: {
  confFile: string;
  backendPort: number;
  port?: number;
}): Promise<Nginx> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "shotcache-nginx-"));
  let conf = readFileSync(options.confFile, "utf8")
    .replace(/server 127\.0\.0\.1:\d+;/, `server 127.0.0.1:${options.backendPort};`)
    .replace(/listen 127\.0\.0\.1:\d+;/, `listen 127.0.0.1:${port};`);
  // Run by root (as tests in CI are), workers would drop to `nobody`, who cannot use this folder.
  if (process.getuid?.() === 0) conf = `user root;\n${conf}`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  const child: ChildProcess = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-p", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
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
    // Any answer (a purge of nothing is a 404) says it is serving.
    const answered = await fetch(`${origin}/__purge/`, { method: "PURGE" }).catch(() => undefined);
    if (answered) return { origin, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`nginx did not start:\n${output}`);
}
