/// <reference lib="dom" />
// Functions passed to page.evaluate run in the page, where the DOM exists.
import { setTimeout as sleep } from "node:timers/promises";
import { CaptureError, type CaptureOptions, devicePreset } from "@shotcache/core";
import type { HTTPRequest, HTTPResponse, Page } from "puppeteer";
import type { AdBlocker } from "./ad-blocking";
import { dismissConsentBanners } from "./consent-banners";
import { DENIED_HEADER, type Denial } from "./guard-proxy";
import type { RenderClock } from "./render-timings";
import type { RequestRelay } from "./request-relay";
import { notFound, type Shot, takeShot } from "./take-shot";
import { emulateVisitor } from "./visitor-emulation";

export interface PageLimits {
  /** When the whole render must be done (epoch ms). */
  deadlineAt: number;
  /** Longest navigation, in ms. */
  navigationTimeoutMs: number;
  /** Tallest full-page image, in image pixels; taller pages are cut there. */
  fullPageMaxHeight: number;
  /** What the guard proxy refused so far, to explain a failed navigation. */
  denials: () => readonly Denial[];
  /** What `blockAds` blocks and hides. */
  ads: AdBlocker;
  /** With a remote browser: performs every request the page makes, through the guard. */
  relay?: RequestRelay;
  /** Where the render's time goes. */
  clock: RenderClock;
}

/** CSS that stops animations, transitions and the caret, so a render is the same every time. */
const STILL_CSS = `*, *::before, *::after {
  animation: none !important; transition: none !important; caret-color: transparent !important;
}`;

function styleFor(options: CaptureOptions): string {
  const parts: string[] = [];
  if (options.reducedMotion) parts.push(STILL_CSS);
  for (const selector of options.hideSelectors ?? []) {
    parts.push(`${selector} { visibility: hidden !important; }`);
  }
  if (options.css) parts.push(options.css);
  return parts.join("\n");
}

/**
 * Scrolls through the page so that lazily loaded content (images with `loading=lazy`, content
 * loaded on scroll) is requested, then returns to the top. Bounded by the height cap.
 */
async function scrollThrough(page: Page, maxHeight: number): Promise<void> {
  await page.evaluate(async (limit) => {
    const step = Math.max(200, Math.floor(window.innerHeight * 0.8));
    for (let y = 0; y < Math.min(document.documentElement.scrollHeight, limit); y += step) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
    }
    window.scrollTo(0, 0);
  }, maxHeight);
}

/**
 * Waits until web fonts are loaded and images are decoded, so a stable page renders the same every
 * time: at most `SETTLE_WAIT_MS`, and only for images inside the captured height (a lazy image
 * below it never loads on its own).
 */
async function settle(page: Page, capturedHeight: number): Promise<void> {
  await page.evaluate(
    // No named function may be declared in here: a transpiler that keeps names (tsx) would wrap
    // it in a helper the page does not have.
    async (waitMs, height) => {
      const ready = Promise.all([
        document.fonts.ready,
        ...Array.from(document.images, (image) =>
          image.complete
            ? image.decode().catch(() => {})
            : image.loading !== "lazy" || image.getBoundingClientRect().top < height
              ? new Promise((resolve) => {
                  image.addEventListener("load", resolve, { once: true });
                  image.addEventListener("error", resolve, { once: true });
                })
              : undefined,
        ),
      ]);
      await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, waitMs))]);
    },
    SETTLE_WAIT_MS,
    capturedHeight,
  );
}

const SETTLE_WAIT_MS = 3_000;
/** Longest wait for consent banners to be answered; the shot is taken then, answered or not. */
const CONSENT_WAIT_MS = 4_000;

/**
 * Serves given markup as the page, leaves the resource types the caller blocked (and, with
 * `blockAds`, ads and trackers) unrequested, and adds the caller's headers to the requests for the
 * page itself: its navigation, and redirects within its origin (never another site's). Everything
 * else goes on: to the browser's network, or with a relay, through it.
 */
async function interceptRequests(
  page: Page,
  options: CaptureOptions,
  ads: AdBlocker,
  relay: RequestRelay | undefined,
): Promise<void> {
  const blocked = new Set<string>(options.blockResources);
  const { headers } = options;
  const origin = new URL(options.url).origin;
  const pass = (request: HTTPRequest, replaced?: Record<string, string>) =>
    relay ? relay.relay(request, replaced) : request.continue(replaced && { headers: replaced });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (request.isInterceptResolutionHandled()) return;
    let decided: Promise<void>;
    const isPage = request.isNavigationRequest() && request.frame() === page.mainFrame();
    if (options.html !== undefined && isPage && request.url() === options.url) {
      // Given markup is the page: served here, at the address made from it, never fetched.
      decided = request.respond({
        status: 200,
        contentType: "text/html; charset=utf-8",
        body: options.html,
      });
    } else if (
      blocked.has(request.resourceType()) ||
      (options.blockAds && ads.blocks(request, options.url))
    ) {
      decided = request.abort("blockedbyclient");
    } else if (headers && isPage && new URL(request.url()).origin === origin) {
      decided = pass(request, { ...request.headers(), ...headers });
    } else {
      decided = pass(request);
    }
    decided.catch(() => {}); // the page may be gone already
  });
}

/** Hides the page's ad slots; a page that cannot take a style sheet is shot as it is. */
async function hideAds(page: Page, ads: AdBlocker, again = false): Promise<void> {
  await ads.hideSlots(page, again).catch(() => {});
}

/** Clicks or hovers over the first element matching `selector`, then lets the page draw. */
async function actOn(page: Page, selector: string, action: "click" | "hover"): Promise<void> {
  const element = await page.$(selector);
  if (!element) throw notFound(selector, action);
  await element[action]();
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
}

/** What sets up how a page looks: the size and kind of its screen, and its emulated media. */
export type ScreenOptions = Pick<
  CaptureOptions,
  "width" | "height" | "scale" | "device" | "userAgent" | "darkMode" | "reducedMotion"
>;

/** The screen each page was last set to (see `setScreen`). */
const screens = new WeakMap<Page, string>();

/**
 * Sets a fresh page to the viewport, user agent and emulated media `options` ask for, unless it is
 * set so already: a page made ready ahead for the usual capture starts its render at navigation.
 * Only for fresh pages, each used for one render: what was set is remembered, and nothing set
 * (a user agent, say) is ever taken back.
 */
export async function setScreen(page: Page, options: ScreenOptions): Promise<void> {
  const device = options.device === undefined ? undefined : devicePreset(options.device);
  const userAgent = options.userAgent ?? device?.userAgent;
  // A device's size and scale are in the options already; mobile and touch come with it.
  const viewport = {
    width: options.width,
    height: options.height,
    deviceScaleFactor: options.scale,
    isMobile: device?.mobile ?? false,
    hasTouch: device?.touch ?? false,
    isLandscape: device?.landscape ?? false,
  };
  // Stated every time, not left to the browser's defaults: the key says light unless dark.
  const media = [
    { name: "prefers-color-scheme", value: options.darkMode ? "dark" : "light" },
    { name: "prefers-reduced-motion", value: options.reducedMotion ? "reduce" : "no-preference" },
  ];
  const screen = JSON.stringify([userAgent, viewport, media]);
  if (screens.get(page) === screen) return;
  if (userAgent) await page.setUserAgent(userAgent);
  await page.setViewport(viewport);
  await page.emulateMediaFeatures(media);
  screens.set(page, screen);
}

/**
 * Loads the page as the options say and takes the screenshot, in `page`: a fresh page of a
 * context of this render's own.
 */
export async function renderInPage(
  page: Page,
  options: CaptureOptions,
  limits: PageLimits,
): Promise<Shot> {
  // Waits inside the page end a little before the render's deadline, so that running out of
  // time while waiting for an element is reported as the element missing.
  const remaining = () => Math.max(100, limits.deadlineAt - Date.now() - 250);
  page.setDefaultTimeout(remaining());
  await setScreen(page, options);
  await emulateVisitor(page, options);
  // A fresh page is for the screen already: only print needs saying.
  if (options.mediaType !== "screen") await page.emulateMediaType(options.mediaType);
  const intercepted = options.blockResources || options.headers || options.blockAds;
  if (limits.relay || intercepted || options.html !== undefined) {
    await interceptRequests(page, options, limits.ads, limits.relay);
  }
  const consent = options.blockCookieBanners ? await dismissConsentBanners(page) : undefined;

  // The caller's css, hidden elements and script must apply even on pages with a strict CSP.
  const style = styleFor(options);
  if (style || options.js) await page.setBypassCSP(true);

  // The hosts the page itself was asked for, its redirects included: only a refusal of one of
  // them explains a failed navigation (a refused image or script never does).
  const navigatedHosts = new Set<string>();
  const noteNavigation = (request: HTTPRequest) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      navigatedHosts.add(new URL(request.url()).hostname);
    }
  };
  limits.clock.end("setup");
  page.on("request", noteNavigation);
  let response: HTTPResponse | null;
  try {
    response = await page.goto(options.url, {
      waitUntil: options.waitUntil,
      timeout: limits.navigationTimeoutMs,
    });
  } catch (error) {
    // A navigation that failed after the guard could not pass the page or a redirect on failed
    // for that reason: refused by the policy, or the host unreachable.
    const denial = limits.denials().find(({ host }) => navigatedHosts.has(host));
    if (!denial) throw error;
    throw new CaptureError(
      denial.code,
      "The page could not be reached, or led somewhere not allowed.",
      {
        cause: error,
        field: "url",
      },
    );
  } finally {
    page.off("request", noteNavigation);
  }
  limits.clock.end("navigation");
  const denied = response?.headers()[DENIED_HEADER];
  if (denied) {
    const code = denied === "TARGET_UNREACHABLE" ? "TARGET_UNREACHABLE" : "TARGET_NOT_ALLOWED";
    throw new CaptureError(code, "The page could not be reached, or led somewhere not allowed.", {
      field: "url",
    });
  }
  if (response && response.status() >= 400) {
    throw new CaptureError(
      "TARGET_HTTP_ERROR",
      `The page answered with HTTP ${response.status()}.`,
      {
        field: "url",
      },
    );
  }

  if (options.waitForSelector) {
    const found = await page
      .waitForSelector(options.waitForSelector, { timeout: remaining() })
      .catch(() => null);
    if (!found) throw notFound(options.waitForSelector, "waitForSelector");
  }
  // A banner is answered once the page script found it (or found none), within a bounded wait.
  if (consent) {
    await Promise.race([consent.settled, sleep(Math.min(CONSENT_WAIT_MS, remaining()))]);
    await consent.hideLeftovers();
  }
  if (options.blockAds) await hideAds(page, limits.ads);
  if (options.click) await actOn(page, options.click, "click");
  if (options.hover) await actOn(page, options.hover, "hover");
  if (style) await page.addStyleTag({ content: style });
  if (options.js) {
    try {
      await page.evaluate(`(async () => { ${options.js}\n})()`);
    } catch (cause) {
      throw new CaptureError("RENDER_FAILED", "The injected script failed.", {
        cause,
        field: "js",
      });
    }
  }
  // The cap is in image pixels: at scale 2 the page may be half as tall in CSS pixels.
  const maxCssHeight = Math.floor(limits.fullPageMaxHeight / options.scale);
  if (options.fullPage) await scrollThrough(page, maxCssHeight);
  if (options.delay > 0) await sleep(options.delay);
  await settle(page, options.fullPage ? maxCssHeight : options.height);
  // Slots that came since (scrolled into view, clicked open, late scripts) are hidden too.
  if (options.blockAds) await hideAds(page, limits.ads, true);
  limits.clock.end("settle");

  return takeShot(page, options, { response, maxCssHeight });
}
