/**
 * @module The browser renders use: opened on first use, replaced after a crash or a lost
 * connection, recycled after a number of renders, each with the contexts kept ready on it.
 */
import { CaptureError } from "@shotcache/core";
import type { OwnedBrowser } from "./browser-process";
import {
  disposeContext,
  type GuardSettings,
  isUsable,
  type PreparedContext,
  prepareContext,
} from "./prepared-context";
import type { ScreenOptions } from "./render-page";

/** A browser with its use counted, so that it can be retired once its renders are done. */
export interface BrowserInUse {
  owned: OwnedBrowser;
  /** Renders on it now. */
  active: number;
  /** Renders it was given so far. */
  renders: number;
  /** No new render may use it; it closes once `active` is 0. */
  retired: boolean;
  /** Contexts ready for the next renders on it. */
  ready: PreparedContext[];
  /** Contexts being made ready. */
  preparing: number;
}

export interface BrowserKeeperOptions {
  /** Launches or connects to a browser; a failure is reported as BROWSER_UNAVAILABLE. */
  open: () => Promise<OwnedBrowser>;
  guards: GuardSettings;
  /** A browser is retired after this many renders. */
  recycleAfter: number;
  /** Contexts kept ready on the browser in use. */
  readyContexts: number;
}

/** When a caller may try again after the browser could not be started or reached. */
const BROWSER_RETRY_AFTER_SECONDS = 5;

export function createBrowserKeeper(options: BrowserKeeperOptions) {
  /** The browser new renders use, opening or open. */
  let current: Promise<BrowserInUse> | undefined;
  let inUse: BrowserInUse | undefined;
  /** Browsers opened and not yet gone (exited with their folders removed, or disconnected). */
  const leaving = new Set<Promise<void>>();
  /** Contexts being prepared or closed, with their guards: all settled before close() ends. */
  const settling = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(work: Promise<T>): Promise<T> => {
    settling.add(work);
    void work.catch(() => {}).finally(() => settling.delete(work));
    return work;
  };
  async function settled(): Promise<void> {
    while (settling.size > 0) await Promise.allSettled([...settling]);
  }

  /** A context on `browser`, set to `screen`; tracked until made. */
  const prepare = (browser: BrowserInUse, screen?: ScreenOptions) =>
    track(
      prepareContext(
        browser.owned.browser,
        browser.owned.pid === undefined,
        options.guards,
        screen,
      ),
    );
  const dispose = (prepared: PreparedContext) => track(disposeContext(prepared));

  function open(): Promise<BrowserInUse> {
    const opening = options
      .open()
      .then((owned) => {
        const browser: BrowserInUse = {
          owned,
          active: 0,
          renders: 0,
          retired: false,
          ready: [],
          preparing: 0,
        };
        inUse = browser;
        keepContextsReady(browser);
        leaving.add(owned.gone);
        // After a crash or a lost connection the next render opens a new browser.
        owned.browser.once("disconnected", () => retire(browser));
        void owned.gone.then(() => {
          leaving.delete(owned.gone);
          retire(browser);
        });
        return browser;
      })
      .catch((cause) => {
        if (current === opening) current = undefined;
        throw new CaptureError("BROWSER_UNAVAILABLE", "The browser could not be started.", {
          cause,
          retryAfterSeconds: BROWSER_RETRY_AFTER_SECONDS,
        });
      });
    return opening;
  }

  /**
   * New renders stop using this browser (idempotent); it closes once its renders are done. One
   * that no longer answers (crashed, disconnected) is killed instead of closed.
   */
  function retire(browser: BrowserInUse): void {
    if (!browser.retired) {
      browser.retired = true;
      if (inUse === browser) {
        inUse = undefined;
        current = undefined;
      }
      for (const prepared of browser.ready.splice(0)) void dispose(prepared);
    }
    if (browser.active === 0) {
      const { owned } = browser;
      void (owned.browser.connected ? owned.close() : Promise.reject()).catch(() => owned.kill());
    }
  }

  /** Prepares contexts until `readyContexts` wait on this browser. */
  function keepContextsReady(browser: BrowserInUse): void {
    while (
      !closed &&
      !browser.retired &&
      browser.ready.length + browser.preparing < options.readyContexts
    ) {
      browser.preparing++;
      prepare(browser)
        .then(
          (prepared) => {
            if (closed || browser.retired) void dispose(prepared);
            else browser.ready.push(prepared);
          },
          () => {}, // the next render makes its own
        )
        .finally(() => browser.preparing--);
    }
  }

  /** The browser for a render, counted as in use until `giveBack`. */
  async function borrow(): Promise<BrowserInUse> {
    // A browser may be retired between its opening and our turn (it crashed): take the next one.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (closed) throw new CaptureError("BROWSER_UNAVAILABLE", "The renderer is shutting down.");
      current ??= open();
      const browser = await current;
      if (browser.retired) continue;
      browser.active++;
      if (++browser.renders >= options.recycleAfter) retire(browser);
      return browser;
    }
    throw new CaptureError("BROWSER_UNAVAILABLE", "The browser keeps stopping.");
  }

  function giveBack(browser: BrowserInUse): void {
    browser.active--;
    if (browser.retired && browser.active === 0) retire(browser);
    else keepContextsReady(browser);
  }

  /**
   * A render's context: one kept ready (its page still alive), else one prepared now for the
   * render's own screen.
   */
  function contextFor(browser: BrowserInUse, screen: ScreenOptions): Promise<PreparedContext> {
    let ready = browser.ready.shift();
    while (ready && !isUsable(ready)) {
      void dispose(ready);
      ready = browser.ready.shift();
    }
    return ready ? Promise.resolve(ready) : prepare(browser, screen);
  }

  async function close(): Promise<void> {
    closed = true;
    const running = await current?.catch(() => undefined);
    current = undefined;
    for (const prepared of running?.ready.splice(0) ?? []) void dispose(prepared);
    try {
      // Contexts made ready or being closed, and their guards, go before the browser does.
      await settled();
      await running?.owned.close();
    } finally {
      await settled();
      await Promise.all(leaving);
    }
  }

  return {
    borrow,
    giveBack,
    contextFor,
    /** Closes a render's context and its guard (tracked, so close() waits for it). */
    dispose,
    /** Tracks work that close() and settled() wait for. */
    track,
    settled,
    close,
    pid: () => inUse?.owned.pid,
  };
}

export type BrowserKeeper = ReturnType<typeof createBrowserKeeper>;
