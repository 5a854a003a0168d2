import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";
import { type ServerProcess, startServerProcess } from "./server-process";

export type Varnish = ServerProcess;

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
  return startServerProcess({
    name: "varnishd",
    command: "varnishd",
    // `-j none`: no privilege separation, so its worker can read this folder wherever it is.
    args: [
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
    dir,
    origin: `http://127.0.0.1:${port}`,
    probePath: "/",
  });
}
