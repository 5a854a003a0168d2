import { readlinkSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CaptureError,
  type CaptureOptions,
  type RenderedImage,
  type Renderer,
} from "@shotcache/core";
import puppeteer, { type Browser, type BrowserContext } from "puppeteer";
import { toCaptureError } from "./browser-errors";
import { findBrowserExecutable } from "./find-browser";
import { assertTargetAllowed, type HostResolver, systemResolver } from "./network-guard";

/**
 * Flags for a headless server browser. The background-networking ones stop Chromium dialling
 * Google services on its own; `--no-sandbox` is needed when running as root (containers, CI).
 */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--hide-scrollbars",
  "--mute-audio",
];

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

export interface PuppeteerRendererOptions {
  /** Browser to launch. @default the result of `findBrowserExecutable()` */
  executablePath?: string;
  /** Let captures reach loopback and private addresses (tests, local development). @default false */
  allowPrivateNetworks?: boolean;
  /** Longest wait for the page to load, in ms. @default 30000 */
  navigationTimeoutMs?: number;
  /** Host name resolution used by the network guard. @default the system resolver */
  resolveHost?: HostResolver;
}

export interface PuppeteerRenderer extends Renderer {
  /** PID of the running browser, if one is running (for tests and health output). */
  browserPid(): number | undefined;
}

/**
 * One browser per process, launched on first use and again after it disconnects; each capture
 * gets its own browser context, so no cookie or storage crosses between callers.
 */
export function createPuppeteerRenderer(options: PuppeteerRendererOptions = {}): PuppeteerRenderer {
  const navigationTimeoutMs = options.navigationTimeoutMs ?? 30_000;
  const resolveHost = options.resolveHost ?? systemResolver;
  let browser: Promise<Browser> | undefined;
  let launchedPid: number | undefined;
  /** Settles once the last launched browser has exited and its folder is gone. */
  let cleanedUp: Promise<void> = Promise.resolve();
  let closed = false;

  /**
   * Launches Chromium with a profile folder of our own, removed once the browser is gone, whether
   * it was closed or crashed, together with the socket folder Chromium makes in TMPDIR (which it
   * leaves behind when killed): nothing of a browser outlives it.
   */
  async function launchInOwnFolder(): Promise<Browser> {
    const executablePath = options.executablePath ?? (await findBrowserExecutable());
    const folder = await mkdtemp(join(tmpdir(), "shotcache-chromium-"));
    const profile = join(folder, "profile");
    let folders = [folder];
    const removeFolders = () =>
      Promise.all(folders.map((path) => rm(path, { recursive: true, force: true, maxRetries: 3 })));
    try {
      const launched = await puppeteer.launch({
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        userDataDir: profile,
      });
      folders = [folder, ...singletonSocketFolder(profile)];
      const child = launched.process();
      // Last resort when the process exits without closing us (a host's own signal handler may
      // call process.exit while our close is still running): only synchronous work runs here.
      const killOnExit = () => {
        if (child?.pid) killProcessGroup(child.pid);
        for (const path of folders) rmSync(path, { recursive: true, force: true });
      };
      process.once("exit", killOnExit);
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      cleanedUp = exited.then(async () => {
        process.off("exit", killOnExit);
        await removeFolders();
      });
      return launched;
    } catch (error) {
      await removeFolders();
      throw error;
    }
  }

  function launch(): Promise<Browser> {
    const launching = launchInOwnFolder()
      .then((launched) => {
        launchedPid = launched.process()?.pid;
        // Whichever comes first after a crash: the next render then launches a new browser.
        const forget = () => {
          if (browser === launching) browser = undefined;
        };
        launched.once("disconnected", forget);
        launched.process()?.once("exit", forget);
        return launched;
      })
      .catch((cause) => {
        browser = undefined;
        throw new CaptureError("BROWSER_UNAVAILABLE", "The browser could not be started.", {
          cause,
        });
      });
    return launching;
  }

  function currentBrowser(): Promise<Browser> {
    if (closed) {
      return Promise.reject(
        new CaptureError("BROWSER_UNAVAILABLE", "The renderer is shutting down."),
      );
    }
    browser ??= launch();
    return browser;
  }

  async function render(capture: CaptureOptions): Promise<RenderedImage> {
    if (!options.allowPrivateNetworks) await assertTargetAllowed(capture.url, resolveHost);
    let context: BrowserContext | undefined;
    try {
      context = await (await currentBrowser()).createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({
        width: capture.width,
        height: capture.height,
        deviceScaleFactor: capture.scale,
      });
      const response = await page.goto(capture.url, {
        waitUntil: capture.waitUntil,
        timeout: navigationTimeoutMs,
      });
      if (response && response.status() >= 400) {
        throw new CaptureError(
          "TARGET_HTTP_ERROR",
          `The page answered with HTTP ${response.status()}.`,
          { field: "url" },
        );
      }
      if (capture.delay > 0) await sleep(capture.delay);
      const bytes = await page.screenshot({
        type: capture.format,
        quality: capture.quality,
        fullPage: capture.fullPage,
      });
      return { bytes, contentType: `image/${capture.format}` };
    } catch (error) {
      throw toCaptureError(error);
    } finally {
      // Closing the context closes its pages too; a crashed browser may refuse, which is fine.
      await context?.close().catch(() => {});
    }
  }

  return {
    render,
    browserPid() {
      return browser ? launchedPid : undefined;
    },
    async close() {
      closed = true;
      const running = await browser?.catch(() => undefined);
      browser = undefined;
      await running?.close();
      await cleanedUp;
    },
  };
}
