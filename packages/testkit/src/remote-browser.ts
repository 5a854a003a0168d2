import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port";

/** A Chromium with a DevTools port, standing in for a browser elsewhere (browserless, Cloudflare). */
export interface RemoteBrowser {
  /** `http://127.0.0.1:PORT`: its `/json/version` names the WebSocket endpoint. */
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
}

const HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell";

/**
 * Starts a headless Chromium that listens for DevTools on a loopback port, launched as an operator
 * would launch one for others to use: none of shotcache's own flags (no WebRTC policy, no proxy).
 */
export async function startRemoteBrowser(
  options: RemoteBrowserOptions = {},
): Promise<RemoteBrowser> {
  const port = await freePort();
  const profile = await mkdtemp(join(tmpdir(), "shotcache-chromium-remote-"));
  const child: ChildProcess = spawn(
    options.executablePath ?? HEADLESS_SHELL,
    [
      "--headless",
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--remote-debugging-address=127.0.0.1",
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profile}`,
      ...(options.args ?? []),
      "about:blank",
    ],
    { stdio: "ignore", detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    try {
      process.kill(-(child.pid ?? 0), "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await fetch(`${url}/json/version`).catch(() => undefined);
    if (answer?.ok) return { url, pid: child.pid ?? 0, close };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await close();
  throw new Error(`${options.executablePath ?? HEADLESS_SHELL} did not open its DevTools port`);
}
