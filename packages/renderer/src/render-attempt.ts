/**
 * @module One attempt at a render: a browser and a context for it, the page loaded and shot, the
 * image finished, all under one deadline; a browser or page process that stops under it is told
 * apart, so that the render can be tried once more.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  CaptureError,
  type CaptureOptions,
  contentTypeOf,
  type RenderedImage,
} from "@shotcache/core";
import type { AdBlocker } from "./ad-blocking";
import { isBlankImage } from "./blank-image";
import { toCaptureError } from "./browser-errors";
import type { BrowserInUse, BrowserKeeper } from "./browser-keeper";
import { finishBoxes, finishImage, mayBeBlank } from "./finish-image";
import { renderInPage } from "./render-page";
import { RenderClock, type RenderTimings } from "./render-timings";

export interface AttemptSettings {
  navigationTimeoutMs: number;
  fullPageMaxHeight: number;
  ads: AdBlocker;
  onTimings?: (timings: RenderTimings) => void;
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
export const isBrowserFailure = (error: unknown): boolean =>
  CaptureError.is(error) && browserFailures.has(error);

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

/** Hands a render's timings to whoever asked for them; their failure is not the render's. */
function tellTimings(observer: AttemptSettings["onTimings"], timings: RenderTimings): void {
  try {
    observer?.(timings);
  } catch {
    // An observer's own fault: the image is good.
  }
}

/**
 * Renders `capture` within `deadlineMs`: one signal cancels it, whichever comes first, the
 * deadline or the loss of its browser or page process. The caller has the image without waiting
 * for the context to close.
 */
export async function attemptRender(
  keeper: BrowserKeeper,
  capture: CaptureOptions,
  deadlineMs: number,
  settings: AttemptSettings,
): Promise<RenderedImage> {
  const clock = new RenderClock();
  const deadlineAt = Date.now() + deadlineMs;
  // One signal cancels the render, whichever comes first: the deadline or the browser's loss.
  const cancel = new AbortController();
  const timer = setTimeout(
    () => cancel.abort(new CaptureError("RENDER_TIMEOUT", "The render did not finish in time.")),
    deadlineMs,
  );
  const cancelled = whenAborted(cancel.signal);
  const checkedOut = keeper.borrow();
  let browser: BrowserInUse;
  try {
    browser = await Promise.race([checkedOut, cancelled]);
  } catch (error) {
    clearTimeout(timer);
    checkedOut.then(keeper.giveBack, () => {}); // a browser that opens late is handed back
    throw error;
  }
  const onLost = () => cancel.abort(browserStopped("browser"));
  browser.owned.browser.once("disconnected", onLost);
  const context = keeper.contextFor(browser, capture);
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
      navigationTimeoutMs: settings.navigationTimeoutMs,
      fullPageMaxHeight: settings.fullPageMaxHeight,
      denials: () => guard.denials,
      relay,
      ads: settings.ads,
      clock,
    };
    const { bytes, boxes: shotBoxes } = await Promise.race([
      renderInPage(prepared.page, capture, limits),
      cancelled,
    ]);
    clock.end("shot");
    // The browser is done with: hand it back while the image is checked (closing this
    // context no longer concerns the render, nor does the browser's fate).
    browser.owned.browser.off("disconnected", onLost);
    void release();
    const pixels = capture.width * capture.height * capture.scale ** 2;
    // Blank is a fact of the render, checked on Chromium's own shot.
    const [blank, image, boxes] = await Promise.all([
      mayBeBlank(capture) && isBlankImage(bytes, pixels),
      finishImage(bytes, capture),
      finishBoxes(shotBoxes, bytes, capture),
    ]);
    clock.end("check");
    tellTimings(settings.onTimings, clock.timings);
    return { bytes: image, contentType: contentTypeOf(capture.format), blank, boxes };
  } catch (error) {
    // A page whose process died fails its navigation a moment before the crash is reported.
    if (!cancel.signal.aborted && pageCrashed && mayBeCrash(error)) {
      await Promise.race([pageCrashed, sleep(CRASH_REPORT_WAIT_MS)]);
    }
    throw cancel.signal.aborted ? cancel.signal.reason : toCaptureError(error);
  } finally {
    clearTimeout(timer);
    browser.owned.browser.off("disconnected", onLost);
    // The caller has its answer without waiting for the context to close; close() waits.
    void release();
  }

  /** Closes the context and its proxy and hands the browser back, once. */
  function release(): Promise<void> {
    released ??= keeper.track(
      (async () => {
        const made = await context.catch(() => undefined);
        if (made) await keeper.dispose(made);
        keeper.giveBack(browser);
      })(),
    );
    return released;
  }
}
