import { availableParallelism, totalmem } from "node:os";
import type { Renderer } from "@shotcache/core";
import { createAdBlocker } from "./ad-blocking";
import { createBrowserKeeper } from "./browser-keeper";
import { type BrowserSource, openBrowser } from "./browser-source";
import { findBrowserExecutable } from "./find-browser";
import {
  assertTargetAllowed,
  type HostResolver,
  type NetworkPolicy,
  PUBLIC_ONLY,
  systemResolver,
} from "./network-guard";
import { attemptRender, isBrowserFailure } from "./render-attempt";
import { createRenderPool } from "./render-pool";
import type { RenderTimings } from "./render-timings";

export interface PuppeteerRendererOptions {
  /**
   * Where the browser comes from: launched here, or a remote one (then every request its pages
   * make is performed by this process through the guard, see request-relay.ts).
   * @default a launch of `executablePath`
   */
  browser?: BrowserSource;
  /** Browser to launch, without `browser`. @default one found on the usual paths */
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
 * Renders at once by default: one per core, as long as each can have 512 MiB of the memory this
 * process may use (a container's limit, where there is one).
 */
export function defaultRenderConcurrency(): number {
  const memory = Math.min(totalmem(), process.constrainedMemory() || Number.POSITIVE_INFINITY);
  return Math.max(1, Math.min(availableParallelism(), Math.floor(memory / 2 ** 29)));
}

/** A second try needs at least this much of the render's deadline left. */
const RETRY_MIN_MS = 1_000;

/**
 * Renders with one browser per process (browser-keeper.ts: opened on first use, replaced after a
 * crash or a lost connection, recycled after `recycleAfter` renders). Each capture gets its own
 * browser context (no cookie or storage crosses between callers) and its own guard, through
 * which every request of the page must pass (prepared-context.ts), made ready ahead so that a
 * render starts at navigation. Admission is bounded (render-pool.ts); every render has one
 * deadline, which cancels whatever step it is in (render-attempt.ts), and a render whose browser
 * stopped under it is tried once more within that deadline.
 */
export function createPuppeteerRenderer(options: PuppeteerRendererOptions = {}): PuppeteerRenderer {
  const policy = options.network ?? PUBLIC_ONLY;
  const resolveHost = options.resolveHost ?? systemResolver;
  const maxRenderMs = options.maxRenderMs ?? 60_000;
  const concurrency = options.concurrency ?? defaultRenderConcurrency();
  const navigationTimeoutMs = options.navigationTimeoutMs ?? 30_000;
  const pool = createRenderPool({ concurrency, maxQueued: options.maxQueued ?? 4 * concurrency });
  const source = async (): Promise<BrowserSource> =>
    options.browser ?? {
      kind: "launch",
      executablePath: options.executablePath ?? (await findBrowserExecutable({})),
    };
  const keeper = createBrowserKeeper({
    open: async () => openBrowser(await source(), options.trustedCertificates),
    guards: {
      policy,
      resolveHost,
      trustedCertificates: options.trustedCertificates,
      requestTimeoutMs: navigationTimeoutMs,
    },
    recycleAfter: options.recycleAfter ?? 500,
    readyContexts: options.readyContexts ?? concurrency,
  });
  const settings = {
    navigationTimeoutMs,
    fullPageMaxHeight: options.fullPageMaxHeight ?? 16_384,
    ads: createAdBlocker(options.adFilterLists),
    onTimings: options.onTimings,
  };

  return {
    concurrency,
    async render(capture) {
      // The main document is checked here for a fast, precise error; the guard checks the rest.
      // Given markup has no host to check: it is served to the browser by the render itself.
      if (capture.html === undefined) await assertTargetAllowed(capture.url, policy, resolveHost);
      const deadlineAt = Date.now() + Math.min(capture.timeout, maxRenderMs);
      return pool.run(async () => {
        try {
          return await attemptRender(keeper, capture, deadlineAt - Date.now(), settings);
        } catch (error) {
          // Chromium stopping under a render is ours to absorb, not the caller's: once more, on
          // the browser that replaces it, within the same deadline.
          const left = deadlineAt - Date.now();
          if (!isBrowserFailure(error) || left < RETRY_MIN_MS) throw error;
          return attemptRender(keeper, capture, left, settings);
        }
      });
    },
    browserPid: keeper.pid,
    load: pool.load,
    settled: keeper.settled,
    close: keeper.close,
  };
}
