import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";
import { type ServerProcess, startServerProcess } from "./server-process";

export type Nginx = ServerProcess;

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
  return startServerProcess({
    name: "nginx",
    command: "nginx",
    args: ["-c", join(dir, "nginx.conf"), "-p", dir],
    dir,
    origin: `http://127.0.0.1:${port}`,
    // A purge of nothing (a 404) says it is serving.
    probePath: "/__purge/",
  });
}
