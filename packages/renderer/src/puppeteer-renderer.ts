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
import { type GuardProxy, startGuardProxy } from "./guard-proxy";
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
}

const browserLost = () =>
  new CaptureError("RENDER_FAILED", "The browser stopped during the render.");

/** Rejects when `signal` aborts, with its reason; settles nothing otherwise. */
function whenAborted(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
  );
  aborted.catch(() => {}); // observed by whoever races it
  return aborted;
}

/**
 * Renders with one browser per process, launched on first use, replaced after a crash or a
 * disconnect and recycled after `recycleAfter` renders. Each capture gets its own browser context
 * (no cookie or storage crosses between callers) and its own guard proxy, through which every
 * request of the page must pass. Admission is bounded (see render-pool.ts) and every render has
 * one deadline, which cancels whatever step it is in.
 */
export function createPuppeteerRenderer(options: PuppeteerRendererOptions = {}): PuppeteerRenderer {
  const policy = options.network ?? PUBLIC_ONLY;
  const resolveHost = options.resolveHost ?? systemResolver;
  const navigationTimeoutMs = options.navigationTimeoutMs ?? 30_000;
  const fullPageMaxHeight = options.fullPageMaxHeight ?? 16_384;
  const maxRenderMs = options.maxRenderMs ?? 60_000;
  const recycleAfter = options.recycleAfter ?? 500;
  const concurrency = options.concurrency ?? availableParallelism();
  const pool = createRenderPool({ concurrency, maxQueued: options.maxQueued ?? 4 * concurrency });

  /** The browser new renders use, launching or launched. */
  let slot: Promise<Tenancy> | undefined;
  let inUse: Tenancy | undefined;
  /** Browsers launched and not yet gone (exited, folders removed). */
  const leaving = new Set<Promise<void>>();
  let closed = false;

  function launch(): Promise<Tenancy> {
    const launching = Promise.resolve(options.executablePath ?? findBrowserExecutable())
      .then(launchOwnedBrowser)
      .then((owned) => {
        const tenancy: Tenancy = { owned, active: 0, renders: 0, retired: false };
        inUse = tenancy;
        leaving.add(owned.gone);
        // After a crash or a lost connection the next render launches a new browser.
        owned.browser.once("disconnected", () => retire(tenancy));
        void owned.gone.then(() => {
          leaving.delete(owned.gone);
          retire(tenancy);
        });
        return tenancy;
      })
      .catch((cause) => {
        if (slot === launching) slot = undefined;
        throw new CaptureError("BROWSER_UNAVAILABLE", "The browser could not be started.", {
          cause,
        });
      });
    return launching;
  }

  /**
   * New renders stop using this browser (idempotent); it closes once its renders are done. One
   * that no longer answers (crashed, disconnected) is killed instead of closed.
   */
  function retire(tenancy: Tenancy): void {
    if (!tenancy.retired) {
      tenancy.retired = true;
      if (inUse === tenancy) {
        inUse = undefined;
        slot = undefined;
      }
    }
    if (tenancy.active === 0) {
      const { browser } = tenancy.owned;
      void (browser.connected ? browser.close() : Promise.reject()).catch(() =>
        tenancy.owned.kill(),
      );
    }
  }

  async function checkOut(): Promise<Tenancy> {
    // A browser may be retired between its launch and our turn (it crashed): take the next one.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (closed) throw new CaptureError("BROWSER_UNAVAILABLE", "The renderer is shutting down.");
      slot ??= launch();
      const tenancy = await slot;
      if (tenancy.retired) continue;
      tenancy.active++;
      if (++tenancy.renders >= recycleAfter) retire(tenancy);
      return tenancy;
    }
    throw new CaptureError("BROWSER_UNAVAILABLE", "The browser keeps stopping.");
  }

  function checkIn(tenancy: Tenancy): void {
    tenancy.active--;
    if (tenancy.retired && tenancy.active === 0) retire(tenancy);
  }

  async function renderOnce(capture: CaptureOptions, deadlineMs: number): Promise<RenderedImage> {
    const deadlineAt = Date.now() + deadlineMs;
    // One signal cancels the render, whichever comes first: the deadline or the browser's loss.
    const cancel = new AbortController();
    const timer = setTimeout(
      () => cancel.abort(new CaptureError("RENDER_TIMEOUT", "The render did not finish in time.")),
      deadlineMs,
    );
    const cancelled = whenAborted(cancel.signal);
    const checkedOut = checkOut();
    let tenancy: Tenancy;
    try {
      tenancy = await Promise.race([checkedOut, cancelled]);
    } catch (error) {
      clearTimeout(timer);
      checkedOut.then(checkIn, () => {}); // a launch that finishes late is handed back
      throw error;
    }
    const onLost = () => cancel.abort(browserLost());
    tenancy.owned.browser.once("disconnected", onLost);
    let proxy: GuardProxy | undefined;
    let context: BrowserContext | undefined;
    let released: Promise<void> | undefined;
    // Closing the context makes whatever the page is doing fail at once.
    cancel.signal.addEventListener("abort", () => void context?.close().catch(() => {}));
    try {
      proxy = await startGuardProxy({ policy, resolve: resolveHost });
      const denials = () => proxy?.denials ?? [];
      context = await Promise.race([
        tenancy.owned.browser.createBrowserContext({
          proxyServer: proxy.url,
          // Chromium skips proxies for localhost by default; `<-loopback>` removes that exception.
          proxyBypassList: ["<-loopback>"],
          downloadBehavior: { policy: "deny" },
        }),
        cancelled,
      ]);
      const limits = { deadlineAt, navigationTimeoutMs, fullPageMaxHeight, denials };
      const bytes = await Promise.race([renderInContext(context, capture, limits), cancelled]);
      // The browser is done with: hand it back while the image is checked, not before answering
      // (closing this context no longer concerns the render, nor does the browser's fate).
      tenancy.owned.browser.off("disconnected", onLost);
      void release();
      const pixels = capture.width * capture.height * capture.scale ** 2;
      const blank = await isBlankImage(bytes, pixels);
      return { bytes, contentType: `image/${capture.format}`, blank };
    } catch (error) {
      throw cancel.signal.aborted ? cancel.signal.reason : toCaptureError(error);
    } finally {
      clearTimeout(timer);
      tenancy.owned.browser.off("disconnected", onLost);
      await release();
    }

    /** Closes the context and the proxy and hands the browser back, once. */
    function release(): Promise<void> {
      released ??= (async () => {
        await context?.close().catch(() => {});
        await proxy?.close();
        checkIn(tenancy);
      })();
      return released;
    }
  }

  return {
    async render(capture) {
      // The main document is checked here for a fast, precise error; the proxy checks the rest.
      await assertTargetAllowed(capture.url, policy, resolveHost);
      return pool.run(() => renderOnce(capture, Math.min(capture.timeout, maxRenderMs)));
    },
    browserPid() {
      return inUse?.owned.pid;
    },
    load: pool.load,
    async close() {
      closed = true;
      const running = await slot?.catch(() => undefined);
      slot = undefined;
      try {
        await running?.owned.browser.close();
      } finally {
        await Promise.all(leaving);
      }
    },
  };
}
