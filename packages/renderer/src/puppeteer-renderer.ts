import { availableParallelism, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CaptureError,
  type CaptureOptions,
  captureOptionsObjectSchema,
  contentTypeOf,
  type RenderedImage,
  type Renderer,
} from "@shotcache/core";
import type { BrowserContext, Page } from "puppeteer";
import { createAdBlocker } from "./ad-blocking";
import { isBlankImage } from "./blank-image";
import { toCaptureError } from "./browser-errors";
import type { OwnedBrowser } from "./browser-process";
import { type BrowserSource, openBrowser } from "./browser-source";
import { findBrowserExecutable } from "./find-browser";
import { finishImage, mayBeBlank } from "./finish-image";
import { type GuardProxy, startGuardProxy } from "./guard-proxy";
import {
  assertTargetAllowed,
  type HostResolver,
  type NetworkPolicy,
  PUBLIC_ONLY,
  systemResolver,
} from "./network-guard";
import { renderInPage, type ScreenOptions, setScreen } from "./render-page";
import { createRenderPool } from "./render-pool";
import { RenderClock, type RenderTimings } from "./render-timings";
import {
  createRequestRelay,
  DEAD_END_PROXY,
  keepInsideRelay,
  type RequestRelay,
} from "./request-relay";

export interface PuppeteerRendererOptions {
  /**
   * Where the browser comes from: launched here, or a remote one (then every request its pages
   * make is performed by this process through the guard, see request-relay.ts).
   * @default a launch of `executablePath`
   */
  browser?: BrowserSource;
  /** Browser to launch, without `browser`. @default the result of `findBrowserExecutable()` */
  executablePath?: string;
  /** What captures may reach besides the public internet. @default nothing (PUBLIC_ONLY) */
  network?: NetworkPolicy;
  /** Host name resolution used by the network guard. @default the system resolver */
  resolveHost?: HostResolver;
  /** Longest wait for the page to load, in ms. @default 30000 */
  navigationTimeoutMs?: number;
  /** Longest whole render, whatever the caller's `timeout` asks, in ms. @default 60000 */
  maxRenderMs?: number;
  /** Renders at once. @default the number of cores, at most one per 512 MiB of memory */
  concurrency?: number;
  /**
   * Contexts kept ready for the next renders (each with its guard proxy and a page), so that a
   * render starts at navigation. @default the concurrency
   */
  readyContexts?: number;
  /** Renders waiting for a slot before new ones are refused. @default 4 × concurrency */
  maxQueued?: number;
  /** Tallest full-page capture, in CSS pixels. @default 16384 */
  fullPageMaxHeight?: number;
  /** A browser is replaced after this many renders, to shed leaks. @default 500 */
  recycleAfter?: number;
  /**
   * Certificates trusted beyond the system's, as base64 SHA-256 digests of their public keys
   * (SPKI): an intranet target's own, say. @default none
   */
  trustedCertificates?: readonly string[];
  /**
   * Filter lists (their text, in the Adblock Plus syntax) `blockAds` applies besides the rules
   * that ship with it: EasyList, say. @default none
   */
  adFilterLists?: readonly string[];
  /** Told where each finished render's time went (measurements, metrics). */
  onTimings?: (timings: RenderTimings) => void;
}

export interface PuppeteerRenderer extends Renderer {
  /** Renders at once. */
  readonly concurrency: number;
  /** PID of the browser new renders use, if one runs (for tests and health output). */
  browserPid(): number | undefined;
  /** Renders running and waiting. */
  load(): { running: number; waiting: number };
  /** Settles once no context is being made ready or closed (for measurements and tests). */
  settled(): Promise<void>;
}

/**
 * A context made ready ahead of a render: its guard (a guard proxy of its own for a browser we
 * launched, a request relay for a remote one), the context, a fresh page.
 */
interface Prepared {
  guard: GuardProxy | RequestRelay;
  /** The relay, when the page's requests are performed here rather than by its browser. */
  relay: RequestRelay | undefined;
  context: BrowserContext;
  page: Page;
  /** Settles when the page's process stops (crashed, killed), whenever that is. */
  crashed: Promise<void>;
  /** Whether it already has: a page kept ready may die before any render takes it. */
  hasCrashed: boolean;
}

/** The screen of a capture that asks for none: contexts made ready are set to it ahead. */
const USUAL_SCREEN = captureOptionsObjectSchema.omit({ url: true }).parse({});

/** A launched browser with its use counted, so it can be retired once its renders are done. */
interface Tenancy {
  owned: OwnedBrowser;
  active: number;
  renders: number;
  retired: boolean;
  /** Contexts ready for the next renders on this browser. */
  ready: Prepared[];
  /** Contexts being made ready. */
  preparing: number;
}

/**
 * Renders at once by default: one per core, as long as each can have 512 MiB of the memory this
 * process may use (a container's limit, where there is one).
 */
export function defaultRenderConcurrency(): number {
  const memory = Math.min(totalmem(), process.constrainedMemory() || Number.POSITIVE_INFINITY);
  return Math.max(1, Math.min(availableParallelism(), Math.floor(memory / 2 ** 29)));
}

/**
 * Failures of Chromium itself under a render: the browser, or the page's own process, stopped
 * (crashed, killed, out of memory). Such a render is tried once more, on a live browser.
 */
const browserFailures = new WeakSet<CaptureError>();
function browserStopped(what: "browser" | "page's process"): CaptureError {
  const error = new CaptureError("RENDER_FAILED", `The ${what} stopped during the render.`);
  browserFailures.add(error);
  return error;
}
/** When a caller may try again after the browser could not be started or reached. */
const BROWSER_RETRY_AFTER_SECONDS = 5;
/** A second try needs at least this much of the render's deadline left. */
const RETRY_MIN_MS = 1_000;
/** How long a failure that looks like a crash waits for the crash to be reported. */
const CRASH_REPORT_WAIT_MS = 250;
/**
 * Failures a dying page process may cause: a navigation cut short, or anything that is not a known
 * outcome of the page itself (a protocol call whose target is gone, say). Rare otherwise.
 */
const mayBeCrash = (error: unknown) =>
  toCaptureError(error).code === "RENDER_FAILED" ||
  (error instanceof Error && error.message.includes("ERR_ABORTED"));

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
 * request of the page must pass. Both are made ready ahead, with the context's first page
 * (opening a page starts a renderer process, the costliest step), so a render starts at
 * navigation; a used context is closed after the answer, never reused. Admission is bounded
 * (see render-pool.ts) and every render has one deadline, which cancels whatever step it is in.
 */
export function createPuppeteerRenderer(options: PuppeteerRendererOptions = {}): PuppeteerRenderer {
  const policy = options.network ?? PUBLIC_ONLY;
  const resolveHost = options.resolveHost ?? systemResolver;
  const ads = createAdBlocker(options.adFilterLists);
  const navigationTimeoutMs = options.navigationTimeoutMs ?? 30_000;
  const fullPageMaxHeight = options.fullPageMaxHeight ?? 16_384;
  const maxRenderMs = options.maxRenderMs ?? 60_000;
  const recycleAfter = options.recycleAfter ?? 500;
  const concurrency = options.concurrency ?? defaultRenderConcurrency();
  const readyContexts = options.readyContexts ?? concurrency;
  const pool = createRenderPool({ concurrency, maxQueued: options.maxQueued ?? 4 * concurrency });

  /** The browser new renders use, launching or launched. */
  let slot: Promise<Tenancy> | undefined;
  let inUse: Tenancy | undefined;
  /** Browsers launched and not yet gone (exited, folders removed). */
  const leaving = new Set<Promise<void>>();
  /** Contexts being made ready or closed, with their proxies: all settled before close() ends. */
  const settling = new Set<Promise<unknown>>();
  async function settled(): Promise<void> {
    while (settling.size > 0) await Promise.allSettled([...settling]);
  }
  const track = <T>(work: Promise<T>): Promise<T> => {
    settling.add(work);
    void work.catch(() => {}).finally(() => settling.delete(work));
    return work;
  };
  let closed = false;

  function launch(): Promise<Tenancy> {
    const source = options.browser
      ? Promise.resolve(options.browser)
      : Promise.resolve(options.executablePath ?? findBrowserExecutable()).then(
          (executablePath): BrowserSource => ({ kind: "launch", executablePath }),
        );
    const launching = source
      .then((browser) => openBrowser(browser, options.trustedCertificates))
      .then((owned) => {
        const tenancy: Tenancy = {
          owned,
          active: 0,
          renders: 0,
          retired: false,
          ready: [],
          preparing: 0,
        };
        inUse = tenancy;
        topUp(tenancy);
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
          retryAfterSeconds: BROWSER_RETRY_AFTER_SECONDS,
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
      for (const prepared of tenancy.ready.splice(0)) void dispose(prepared);
    }
    if (tenancy.active === 0) {
      const { owned } = tenancy;
      void (owned.browser.connected ? owned.close() : Promise.reject()).catch(() => owned.kill());
    }
  }

  /**
   * A guard proxy, a context that sends everything through it, and the context's first page, set
   * to `screen`: the usual one for contexts made ready ahead, a render's own for one made for it.
   */
  function prepare(tenancy: Tenancy, screen: ScreenOptions = USUAL_SCREEN): Promise<Prepared> {
    return track(
      (async () => {
        const remote = tenancy.owned.pid === undefined;
        const relay = remote
          ? createRequestRelay({
              policy,
              resolve: resolveHost,
              trustedCertificates: options.trustedCertificates,
              timeoutMs: navigationTimeoutMs,
            })
          : undefined;
        const guard = relay ?? (await startGuardProxy({ policy, resolve: resolveHost }));
        let context: BrowserContext | undefined;
        try {
          context = await tenancy.owned.browser.createBrowserContext({
            proxyServer: relay ? DEAD_END_PROXY : (guard as GuardProxy).url,
            // Chromium skips proxies for localhost by default; `<-loopback>` removes that exception.
            proxyBypassList: ["<-loopback>"],
            downloadBehavior: { policy: "deny" },
          });
          const page = await context.newPage();
          if (relay) await keepInsideRelay(page);
          await setScreen(page, screen);
          const prepared: Prepared = {
            guard,
            relay,
            context,
            page,
            hasCrashed: false,
            crashed: new Promise((resolve) =>
              page.once("error", () => {
                prepared.hasCrashed = true;
                resolve();
              }),
            ),
          };
          return prepared;
        } catch (error) {
          await context?.close().catch(() => {});
          await guard.close();
          throw error;
        }
      })(),
    );
  }

  function dispose(prepared: Prepared): Promise<void> {
    return track(
      prepared.context
        .close()
        .catch(() => {})
        .then(() => prepared.guard.close()),
    );
  }

  /** Makes contexts ready until `readyContexts` wait on this browser. */
  function topUp(tenancy: Tenancy): void {
    while (
      !closed &&
      !tenancy.retired &&
      tenancy.ready.length + tenancy.preparing < readyContexts
    ) {
      tenancy.preparing++;
      prepare(tenancy)
        .then(
          (prepared) => {
            if (closed || tenancy.retired) void dispose(prepared);
            else tenancy.ready.push(prepared);
          },
          () => {}, // the next render makes its own
        )
        .finally(() => tenancy.preparing--);
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
    else topUp(tenancy);
  }

  /** Hands a render's timings to whoever asked for them; their failure is not the render's. */
  function tellTimings(timings: RenderTimings): void {
    try {
      options.onTimings?.(timings);
    } catch {
      // An observer's own fault: the image is good.
    }
  }

  async function renderOnce(capture: CaptureOptions, deadlineMs: number): Promise<RenderedImage> {
    const clock = new RenderClock();
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
    const onLost = () => cancel.abort(browserStopped("browser"));
    tenancy.owned.browser.once("disconnected", onLost);
    // This render's context: one made ready ahead (its page still open), else one made now.
    let ready = tenancy.ready.shift();
    while (ready && (ready.page.isClosed() || ready.hasCrashed)) {
      void dispose(ready);
      ready = tenancy.ready.shift();
    }
    const context = ready ? Promise.resolve(ready) : prepare(tenancy, capture);
    context.catch(() => {}); // a failure is the render's, below
    let released: Promise<void> | undefined;
    let pageCrashed: Promise<void> | undefined;
    // Closing the context makes whatever the page is doing fail at once.
    cancel.signal.addEventListener("abort", () => {
      context.then((made) => made.context.close()).catch(() => {});
    });
    try {
      const prepared = await Promise.race([context, cancelled]);
      clock.end("ready");
      pageCrashed = prepared.crashed;
      void pageCrashed.then(() => cancel.abort(browserStopped("page's process")));
      const { guard, relay } = prepared;
      const limits = {
        deadlineAt,
        navigationTimeoutMs,
        fullPageMaxHeight,
        denials: () => guard.denials,
        relay,
        ads,
        clock,
      };
      const bytes = await Promise.race([renderInPage(prepared.page, capture, limits), cancelled]);
      clock.end("shot");
      // The browser is done with: hand it back while the image is checked (closing this
      // context no longer concerns the render, nor does the browser's fate).
      tenancy.owned.browser.off("disconnected", onLost);
      void release();
      const pixels = capture.width * capture.height * capture.scale ** 2;
      // Blank is a fact of the render, checked on Chromium's own shot.
      const [blank, image] = await Promise.all([
        mayBeBlank(capture) && isBlankImage(bytes, pixels),
        finishImage(bytes, capture),
      ]);
      clock.end("check");
      tellTimings(clock.timings);
      return { bytes: image, contentType: contentTypeOf(capture.format), blank };
    } catch (error) {
      // A page whose process died fails its navigation a moment before the crash is reported.
      if (!cancel.signal.aborted && pageCrashed && mayBeCrash(error)) {
        await Promise.race([pageCrashed, sleep(CRASH_REPORT_WAIT_MS)]);
      }
      throw cancel.signal.aborted ? cancel.signal.reason : toCaptureError(error);
    } finally {
      clearTimeout(timer);
      tenancy.owned.browser.off("disconnected", onLost);
      // The caller has its answer without waiting for the context to close; close() waits.
      void release();
    }

    /** Closes the context and its proxy and hands the browser back, once. */
    function release(): Promise<void> {
      released ??= track(
        (async () => {
          const made = await context.catch(() => undefined);
          if (made) await dispose(made);
          checkIn(tenancy);
        })(),
      );
      return released;
    }
  }

  return {
    concurrency,
    async render(capture) {
      // The main document is checked here for a fast, precise error; the proxy checks the rest.
      await assertTargetAllowed(capture.url, policy, resolveHost);
      const deadlineAt = Date.now() + Math.min(capture.timeout, maxRenderMs);
      return pool.run(async () => {
        try {
          return await renderOnce(capture, deadlineAt - Date.now());
        } catch (error) {
          // Chromium stopping under a render is ours to absorb, not the caller's: once more, on
          // the browser that replaces it, within the same deadline.
          const left = deadlineAt - Date.now();
          if (!(CaptureError.is(error) && browserFailures.has(error)) || left < RETRY_MIN_MS) {
            throw error;
          }
          return renderOnce(capture, left);
        }
      });
    },
    browserPid() {
      return inUse?.owned.pid;
    },
    load: pool.load,
    settled,
    async close() {
      closed = true;
      const running = await slot?.catch(() => undefined);
      slot = undefined;
      for (const prepared of running?.ready.splice(0) ?? []) void dispose(prepared);
      try {
        // Contexts made ready or being closed, and their proxies, go before the browser does.
        await settled();
        await running?.owned.close();
      } finally {
        await settled();
        await Promise.all(leaving);
      }
    },
  };
}
