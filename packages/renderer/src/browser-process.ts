import { readlinkSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import puppeteer, { type Browser } from "puppeteer";
import { isHeadlessShell } from "./find-browser";

/**
 * Flags for a headless server browser. The background-networking ones stop Chromium dialling
 * Google services on its own.
 */
const CHROMIUM_ARGS = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--hide-scrollbars",
  "--mute-audio",
  // WebRTC may otherwise send UDP straight to any address, around the guard proxy. The switch
  // is spelled one way by the headless shell and the other by Chromium 156's whole browser;
  // each ignores the spelling it does not know.
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
  "--webrtc-ip-handling-policy=disable_non_proxied_udp",
];

/** Longest a single DevTools call may take; renders have shorter deadlines of their own. */
export const PROTOCOL_TIMEOUT_MS = 120_000;

/** What a packaged browser needs besides its path. */
export interface PackagedBrowser {
  /** Its own flags, before ours. */
  args?: readonly string[];
  /** A headless shell whatever its file is called. @default told by the file name */
  headlessShell?: boolean;
  /**
   * Whether Chromium runs in its own sandbox. It refuses to as root; elsewhere it needs user
   * namespaces, which a container's default seccomp profile refuses (the container isolates it
   * instead). @default unless this process is root
   */
  sandbox?: boolean;
}

export function chromiumArgs(sandbox = process.getuid?.() !== 0): string[] {
  return sandbox ? CHROMIUM_ARGS : ["--no-sandbox", ...CHROMIUM_ARGS];
}

/**
 * How Puppeteer launches `executablePath`: as a headless shell, or the browser in headless mode.
 * `trustedCertificates` (base64 SHA-256 digests of public keys) are trusted beyond the system's;
 * `packaged` says what a packaged browser (`@sparticuz/chromium`'s, say) needs: its own flags, and
 * whether it is a headless shell its file name does not tell.
 */
export function browserLaunchOptions(
  executablePath: string,
  trustedCertificates: readonly string[] = [],
  packaged: PackagedBrowser = {},
) {
  const trust =
    trustedCertificates.length > 0
      ? [`--ignore-certificate-errors-spki-list=${trustedCertificates.join(",")}`]
      : [];
  return {
    executablePath,
    headless:
      (packaged.headlessShell ?? isHeadlessShell(executablePath)) ? ("shell" as const) : true,
    args: [...(packaged.args ?? []), ...chromiumArgs(packaged.sandbox), ...trust],
  };
}

/** Puppeteer starts Chromium as a process group leader: killing the group takes its helpers too. */
function killProcessGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
      return;
    } catch {
      // Already gone, or not a group leader: try the process alone.
    }
  }
}

/**
 * The folder in TMPDIR holding the browser's singleton socket, found through the profile's
 * `SingletonSocket` link; only a folder named as Chromium names them is ever returned.
 */
function singletonSocketFolder(profile: string): string[] {
  try {
    const folder = dirname(readlinkSync(join(profile, "SingletonSocket")));
    return /^(org\.chromium\.Chromium|com\.google\.Chrome)\./.test(basename(folder))
      ? [folder]
      : [];
  } catch {
    return []; // no link: nothing of ours outside the profile
  }
}

/** A browser this process uses: one it launched, or a remote one it is connected to. */
export interface OwnedBrowser {
  browser: Browser;
  /** The browser process's PID; none for a remote browser. */
  pid: number | undefined;
  /** Settles once the browser is gone: exited with its folders removed, or disconnected. */
  gone: Promise<void>;
  /** Lets go gracefully: closes a launched browser, disconnects from a remote one. */
  close(): Promise<void>;
  /** Lets go at once: kills a launched browser and its helpers, disconnects from a remote one. */
  kill(): void;
}

/**
 * Launches Chromium with a profile folder of our own. Once the browser is gone, closed or crashed,
 * the folder is removed together with the socket folder Chromium makes in TMPDIR (which it leaves
 * behind when killed); if our process exits first, the browser is killed and both removed then.
 */
export async function launchOwnedBrowser(
  executablePath: string,
  trustedCertificates: readonly string[] = [],
  packaged: PackagedBrowser = {},
): Promise<OwnedBrowser> {
  const folder = await mkdtemp(join(tmpdir(), "shotcache-chromium-"));
  const profile = join(folder, "profile");
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      ...browserLaunchOptions(executablePath, trustedCertificates, packaged),
      userDataDir: profile,
      // DevTools over a pipe: no debugging port listening on loopback for a page to find.
      pipe: true,
      // Shutdown is ours (see the exit handler below and the host's signal handling): Puppeteer's
      // own handlers would exit the process or kill the browser under renders in flight.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      protocolTimeout: PROTOCOL_TIMEOUT_MS,
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  const folders = [folder, ...singletonSocketFolder(profile)];
  const child = browser.process();
  const pid = child?.pid;
  let running = child !== null && child.exitCode === null && child.signalCode === null;
  const exited = running
    ? new Promise((resolve) => child?.once("exit", resolve)).then(() => {
        running = false;
      })
    : Promise.resolve();
  // Never signal a PID after its process has exited: the number may belong to another by then.
  const kill = () => {
    if (pid && running) killProcessGroup(pid);
  };
  // Only synchronous work runs in an exit handler: a host's own signal handler may call
  // process.exit while a graceful close is still under way.
  const onProcessExit = () => {
    kill();
    for (const path of folders) rmSync(path, { recursive: true, force: true });
  };
  process.once("exit", onProcessExit);

  const gone = exited
    .then(async () => {
      process.off("exit", onProcessExit);
      // A helper process still exiting may write one last file as the folder goes: try again.
      const removal = { recursive: true, force: true, maxRetries: 5, retryDelay: 100 };
      await Promise.all(folders.map((path) => rm(path, removal)));
    })
    // A folder that cannot be removed is left behind; it must never take the process down.
    .catch(() => {});
  return { browser, pid, gone, close: () => browser.close(), kill };
}
