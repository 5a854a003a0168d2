import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port";
import type { NetworkNamespace } from "./network-namespace";

/** A Chromium with a DevTools port, standing in for a browser elsewhere (browserless, Cloudflare). */
export interface RemoteBrowser {
  /** `http://127.0.0.1:PORT` (or the namespace's address): its `/json/version` names the endpoint. */
  url: string;
  pid: number;
  /** Ends the browser and removes its profile. */
  close(): Promise<void>;
}

export interface RemoteBrowserOptions {
  /** @default Debian's headless shell */
  executablePath?: string;
  /** Flags besides the DevTools port's. */
  args?: readonly string[];
  /** A test host to run it on (its DevTools port then listens on the host's address). */
  namespace?: NetworkNamespace;
}

const HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell";

/**
 * Chromium listens for DevTools on loopback only, whatever `--remote-debugging-address` says: on a
 * test host of its own, this forwarder (run there) exposes the port on the host's address, as a
 * browserless or a tunnel in front of a Chrome would.
 */
const FORWARDER = `
const { connect, createServer } = require("node:net");
const [address, port] = process.argv.slice(1);
createServer((client) => {
  const browser = connect(Number(port), "127.0.0.1");
  for (const [from, to] of [[client, browser], [browser, client]]) {
    from.pipe(to);
    from.on("error", () => to.destroy());
    from.on("close", () => to.destroy());
  }
}).listen(Number(port), address);`;

/**
 * Starts a headless Chromium that listens for DevTools on a port of its host's (this machine's
 * loopback, or a test host's address), launched as an operator would launch one for others to
 * use: none of shotcache's own flags (no WebRTC policy, no proxy).
 */
export async function startRemoteBrowser(
  options: RemoteBrowserOptions = {},
): Promise<RemoteBrowser> {
  const port = await freePort();
  const { namespace } = options;
  const profile = await mkdtemp(join(tmpdir(), "shotcache-chromium-remote-"));
  const start = namespace?.spawn ?? spawn;
  const detached = { stdio: "ignore", detached: true } as const;
  const children: ChildProcess[] = [
    start(
      options.executablePath ?? HEADLESS_SHELL,
      [
        "--headless",
        ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--remote-debugging-port=${port}`,
        `--user-data-dir=${profile}`,
        ...(options.args ?? []),
        "about:blank",
      ],
      detached,
    ),
  ];
  if (namespace) {
    children.push(
      namespace.spawn(
        process.execPath,
        ["-e", FORWARDER, namespace.address, String(port)],
        detached,
      ),
    );
  }
  const exits = children.map(
    (child) => new Promise<void>((resolve) => child.once("exit", () => resolve())),
  );
  const close = async () => {
    for (const child of children) {
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        // already gone
      }
    }
    await Promise.all(exits);
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  const url = `http://${namespace?.address ?? "127.0.0.1"}:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await fetch(`${url}/json/version`).catch(() => undefined);
    if (answer?.ok) return { url, pid: children[0]?.pid ?? 0, close };
    if (children.some((child) => child.exitCode !== null)) break;
    await sleep(100);
  }
  await close();
  throw new Error(`${options.executablePath ?? HEADLESS_SHELL} did not open its DevTools port`);
}
