import { availableParallelism } from "node:os";
import {
  CaptureError,
  type CaptureOptions,
  type RenderedImage,
  type Renderer,
} from "@shotcache/core";
import type { BrowserContext } from "puppeteer";
import { isBlankImage } from "./blank-image";
import { toCaptureError } from "./browser-errors";
import { launchOwnedBrowser, type OwnedBrowser } from "./browser-process";
import { findBrowserExecutable } from "./find-browser";
import { startGuardProxy } from "./guard-proxy";
import {
  assertTargetAllowed,
  type HostResolver,
  type NetworkPolicy,
  PUBLIC_ONLY,
  systemResolver,
} from "./network-guard";
import { renderInContext } from "./render-page";
import { createRenderPool } from "./render-pool";

export interface PuppeteerRendererOptions {
  /** Browser to launch. @default the result of `findBrowserExecutable()` */
  executablePath?: string;
  /** What captures may reach besides the public internet. @default nothing (PUBLIC_ONLY) */
  network?: NetworkPolicy;
  /** Host name resolution used by the network guard. @default the system resolver */
  resolveHost?: HostResolver;
  /** Longest wait for the page to load, in ms. @default 30000 */
  navigationTimeoutMs?: number;
  /** Longest whole render, whatever the caller's `timeout` asks, in ms. @default 60000 */
  maxRenderMs?: number;
  /** Renders at once. @default the number of cores */
  concurrency?: number;
  /** Renders waiting for a slot before new ones are refused. @default 4 × concurrency */
  maxQueued?: number;
  /** Tallest full-page capture, in CSS pixels. @default 16384 */
  fullPageMaxHeight?: number;
  /** A browser is replaced after this many renders, to shed leaks. @default 500 */
  recycleAfter?: number;
}

export interface PuppeteerRenderer extends Renderer {
  /** PID of the browser new renders use, if one runs (for tests and health output). */
  browserPid(): number | undefined;
  /** Renders running and waiting. */
  load(): { running: number; waiting: number };
}

/** A launched browser with its use counted, so it can be retired once its renders are done. */
interface Tenancy {
  owned: OwnedBrowser;
  active: number;
  renders: number;
  retired: boolean;
  /** Rejects when the browser disconnects or dies: renders under way fail at once. */
  lost: Promise<never>;
}

const browserLost = () =>
  new CaptureError("RENDER_FAILED", "The browser stopped during the render.");

/**
 * Renders with one browser per process, launched on first use, replaced after a crash or a
 * disconnect and recycled after `recycleAfter` renders. Each capture gets its own browser context
 * (no cookie or storage crosses between callers) and its own guard proxy, through which every
 * request of the page must pass. Admission is bounded (see render-pool.ts) and every render has
 * a deadline.
 */
export function createPuppeteerRenderer(options: PuppeteerRendererOptions = {}): PuppeteerRenderer {
  const policy = options.network ?? PUBLIC_ONLY;
  const resolveHost = options.resolveHost ?? systemResolver;
  const limits = {
    navigationTimeoutMs: options.navigationTimeoutMs ?? 30_000,
    fullPageMaxHeight: options.fullPageMaxHeight ?? 16_384,
  };
  const maxRenderMs = options.maxRenderMs ?? 60_000;
  const recycleAfter = options.recycleAfter ?? 500;
  const concurrency = options.concurrency ?? availableParallelism();
  const pool = createRenderPool({ concurrency, maxQueued: options.maxQueued ?? 4 * concurrency });

  let current: Promise<Tenancy> | undefined;
  let tenancyInUse: Tenancy | undefined;
  /** Browsers launched and not yet gone (exited, folders removed). */
  const leaving = new Set<Promise<void>>();
  let closed = false;

  function launch(): Promise<Tenancy> {
    const launching: Promise<Tenancy> = Promise.resolve(
      options.executablePath ?? findBrowserExecutable(),
    )
      .then(launchOwnedBrowser)
      .then((owned) => {
        const lost = new Promise<never>((_, reject) => {
          owned.browser.once("disconnected", () => reject(browserLost()));
          void owned.gone.then(() => reject(browserLost()));
        });
        lost.catch(() => {}); // observed by the renders that race it
        const tenancy: Tenancy = { owned, active: 0, renders: 0, retired: false, lost };
        tenancyInUse = tenancy;
        leaving.add(owned.gone);
        // After a crash or a lost connection the next render launches a new browser; one that
        // lost its connection but still runs is killed rather than leaked.
        const forget = () => {
          retire(tenancy, launching);
          if (!closed) owned.kill();
        };
        owned.browser.once("disconnected", forget);
        void owned.gone.then(() => {
          leaving.delete(owned.gone);
          forget();
        });
        return tenancy;
      })
      .catch((cause) => {
        if (current === launching) current = undefined;
        throw new CaptureError("BROWSER_UNAVAILABLE", "The browser could not be started.", {
          cause,
        });
      });
    return launching;
  }

  /** New renders stop using this browser; it closes once its renders are done. */
  function retire(tenancy: Tenancy, launching?: Promise<Tenancy>): void {
    tenancy.retired = true;
    if (launching ? current === launching : tenancyInUse === tenancy) current = undefined;
    if (tenancyInUse === tenancy) tenancyInUse = undefined;
    if (tenancy.active === 0) void tenancy.owned.browser.close().catch(() => tenancy.owned.kill());
  }

  async function checkOut(): Promise<Tenancy> {
    if (closed) throw new CaptureError("BROWSER_UNAVAILABLE", "The renderer is shutting down.");
    current ??= launch();
    const tenancy = await current;
    tenancy.active++;
    tenancy.renders++;
    if (tenancy.renders >= recycleAfter && tenancyInUse === tenancy) {
      current = undefined;
      tenancyInUse = undefined;
      tenancy.retired = true;
    }
    return tenancy;
  }

  function checkIn(tenancy: Tenancy): void {
    tenancy.active--;
    if (tenancy.retired && tenancy.active === 0) retire(tenancy);
  }

  async function renderOnce(capture: CaptureOptions, deadlineMs: number): Promise<RenderedImage> {
    const tenancy = await checkOut();
    const proxy = await startGuardProxy({ policy, resolve: resolveHost });
    let context: BrowserContext | undefined;
    let timedOut = false;
    // At the deadline the context is closed, which makes whatever the page is doing fail.
    const timer = setTimeout(() => {
      timedOut = true;
      void context?.close().catch(() => {});
    }, deadlineMs);
    try {
      context = await Promise.race([
        tenancy.owned.browser.createBrowserContext({
          proxyServer: proxy.url,
          // Chromium skips proxies for localhost by default; `<-loopback>` removes that exception.
          proxyBypassList: ["<-loopback>"],
        }),
        tenancy.lost,
      ]);
      const bytes = await Promise.race([
        renderInContext(context, capture, { ...limits, deadlineAt: Date.now() + deadlineMs }),
        tenancy.lost,
      ]);
      return {
        bytes,
        contentType: `image/${capture.format}`,
        blank: await isBlankImage(bytes),
      };
    } catch (error) {
      if (timedOut) {
        throw new CaptureError("RENDER_TIMEOUT", "The render did not finish in time.", {
          cause: error,
        });
      }
      // A navigation that failed after the guard could not pass a request on failed for that
      // reason: refused by the policy, or the host unreachable.
      const [denial] = proxy.denials;
      if (denial && !CaptureError.is(error)) {
        throw new CaptureError(
          denial.code,
          "The page could not be reached, or led somewhere not allowed.",
          { cause: error, field: "url" },
        );
      }
      throw toCaptureError(error);
    } finally {
      clearTimeout(timer);
      // Closing the context closes its pages too; a crashed browser may refuse, which is fine.
      await context?.close().catch(() => {});
      await proxy.close();
      checkIn(tenancy);
    }
  }

  return {
    async render(capture) {
      // The main document is checked here for a fast, precise error; the proxy checks the rest.
      await assertTargetAllowed(capture.url, policy, resolveHost);
      return pool.run(() => renderOnce(capture, Math.min(capture.timeout, maxRenderMs)));
    },
    browserPid() {
      return tenancyInUse?.owned.pid;
    },
    load: pool.load,
    async close() {
      closed = true;
      const running = await current?.catch(() => undefined);
      current = undefined;
      try {
        await running?.owned.browser.close();
      } finally {
        await Promise.all(leaving);
      }
    },
  };
}
