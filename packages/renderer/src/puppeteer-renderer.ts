import { setTimeout as sleep } from "node:timers/promises";
import {
  CaptureError,
  type CaptureOptions,
  type RenderedImage,
  type Renderer,
} from "@shotcache/core";
import type { BrowserContext } from "puppeteer";
import { toCaptureError } from "./browser-errors";
import { launchOwnedBrowser, type OwnedBrowser } from "./browser-process";
import { findBrowserExecutable } from "./find-browser";
import {
  assertTargetAllowed,
  type HostResolver,
  PUBLIC_ONLY,
  systemResolver,
} from "./network-guard";

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
  let browser: Promise<OwnedBrowser> | undefined;
  /** The launched browser, while it is the one renders use. */
  let current: OwnedBrowser | undefined;
  /** Browsers launched and not yet gone (exited, folders removed). */
  const leaving = new Set<Promise<void>>();
  let closed = false;

  function launch(): Promise<OwnedBrowser> {
    const launching: Promise<OwnedBrowser> = Promise.resolve(
      options.executablePath ?? findBrowserExecutable(),
    )
      .then(launchOwnedBrowser)
      .then((owned) => {
        current = owned;
        leaving.add(owned.gone);
        // After a crash or a lost connection the next render launches a new browser; one that
        // lost its connection but still runs is killed rather than leaked.
        const forget = () => {
          if (browser === launching) browser = undefined;
          if (current === owned) current = undefined;
          if (!closed) owned.kill();
        };
        owned.browser.once("disconnected", forget);
        void owned.gone.then(() => {
          leaving.delete(owned.gone);
          forget();
        });
        return owned;
      })
      .catch((cause) => {
        browser = undefined;
        throw new CaptureError("BROWSER_UNAVAILABLE", "The browser could not be started.", {
          cause,
        });
      });
    return launching;
  }

  function currentBrowser(): Promise<OwnedBrowser> {
    if (closed) {
      return Promise.reject(
        new CaptureError("BROWSER_UNAVAILABLE", "The renderer is shutting down."),
      );
    }
    browser ??= launch();
    return browser;
  }

  async function render(capture: CaptureOptions): Promise<RenderedImage> {
    if (!options.allowPrivateNetworks)
      await assertTargetAllowed(capture.url, PUBLIC_ONLY, resolveHost);
    let context: BrowserContext | undefined;
    try {
      context = await (await currentBrowser()).browser.createBrowserContext();
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
      return current?.pid;
    },
    async close() {
      closed = true;
      const running = await browser?.catch(() => undefined);
      browser = undefined;
      try {
        await running?.browser.close();
      } finally {
        await Promise.all(leaving);
      }
    },
  };
}
