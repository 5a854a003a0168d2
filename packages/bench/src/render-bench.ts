import { captureOptionsSchema, createCaptureService } from "@shotcache/core";
import {
  ALLOW_ALL,
  browserLaunchOptions,
  createPuppeteerRenderer,
  findBrowserExecutable,
} from "@shotcache/renderer";
import { createMemoryStore } from "@shotcache/store";
import type { FixtureSite } from "@shotcache/testkit";
import puppeteer, { type Browser } from "puppeteer";

import { inTurns, median, perSecond, timed } from "./measure";

/** Rounds of the throughput figure. */
const THROUGHPUT_ROUNDS = 4;

/** The floor: a fresh page in an already running browser, as little as a screenshot can cost. */
async function floorShot(browser: Browser, url: string): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: 1280, height: 720 });
    await page.goto(url, { waitUntil: "load" });
    await page.screenshot({ type: "png" });
  } finally {
    await page.close();
  }
}

/** Isolation at its plainest: an incognito context per capture in a running browser. */
async function incognitoShot(browser: Browser, url: string): Promise<void> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    await page.goto(url, { waitUntil: "load" });
    await page.screenshot({ type: "png" });
  } finally {
    await context.close();
  }
}

export interface RenderFigures {
  floorMs: number;
  incognitoMs: number;
  oursMs: number;
  launchPerRequestMs: number;
  floorPagesPerSecond: number;
  oursPagesPerSecond: number;
  /** The median of the rounds' ratios (ours / floor). */
  throughputRatio: number;
  coalescedRenders: number;
}

/** Render latency, launch-per-request, render throughput and coalescing, against real Chromium. */
export async function measureRenders(site: FixtureSite): Promise<RenderFigures> {
  const executablePath = await findBrowserExecutable();
  // Every baseline launches the very browser the renderer does, the same way.
  const launchOptions = browserLaunchOptions(executablePath);
  const browser = await puppeteer.launch(launchOptions);
  const renderer = createPuppeteerRenderer({ executablePath, network: ALLOW_ALL, concurrency: 4 });
  const options = (path: string) => captureOptionsSchema.parse({ url: site.url(path) });
  try {
    // Warm both, then alternate them so machine noise falls on both alike.
    for (let i = 0; i < 2; i++) {
      await floorShot(browser, site.url("/stable"));
      await renderer.render(options("/stable"));
    }
    const floor: number[] = [];
    const incognito: number[] = [];
    const ours: number[] = [];
    const launches: number[] = [];
    // All four in the same turns: this machine is throttled in spells of seconds, which would
    // otherwise fall on one side only.
    for (let i = 0; i < 10; i++) {
      floor.push(await timed(() => floorShot(browser, site.url("/stable"))));
      incognito.push(await timed(() => incognitoShot(browser, site.url("/stable"))));
      ours.push(await timed(() => renderer.render(options("/stable"))));
      // Its next context is made ready between captures, as on a server between requests: not
      // while the baselines are timed.
      await renderer.settled();
      launches.push(
        await timed(async () => {
          const fresh = await puppeteer.launch(launchOptions);
          try {
            await floorShot(fresh, site.url("/stable"));
          } finally {
            await fresh.close();
          }
        }),
      );
    }

    // Throughput: rounds of 16 distinct pages, 4 at once, each side in turns (the order swapped
    // each round); the median round's ratio, since one batch of either lasts only seconds.
    let batch = 0;
    const distinctPages = () =>
      Array.from({ length: 16 }, (_, i) => `/stable?batch=${batch++}&page=${i}`);
    const floorBatch = async () => {
      const queue = distinctPages();
      const worker = async () => {
        for (let path = queue.shift(); path; path = queue.shift()) {
          await floorShot(browser, site.url(path));
        }
      };
      return perSecond(
        16,
        await timed(() => Promise.all([worker(), worker(), worker(), worker()])),
      );
    };
    const oursBatch = async () => {
      await renderer.settled(); // its contexts made ready between bursts, as on a server
      const paths = distinctPages();
      return perSecond(
        16,
        await timed(() => Promise.all(paths.map((path) => renderer.render(options(path))))),
      );
    };
    const { a: floorRates, b: oursRates } = await inTurns(THROUGHPUT_ROUNDS, floorBatch, oursBatch);
    const ratios = oursRates.map((rate, round) => rate / (floorRates[round] ?? Number.NaN));

    const before = site.requestCount("/changing");
    const service = createCaptureService({ store: createMemoryStore(), renderer });
    const cold = captureOptionsSchema.parse({ url: site.url("/changing?coalesce") });
    await Promise.all(Array.from({ length: 50 }, () => service.capture(cold)));

    return {
      floorMs: median(floor),
      incognitoMs: median(incognito),
      oursMs: median(ours),
      launchPerRequestMs: median(launches),
      floorPagesPerSecond: median(floorRates),
      oursPagesPerSecond: median(oursRates),
      throughputRatio: median(ratios),
      coalescedRenders: site.requestCount("/changing") - before,
    };
  } finally {
    await renderer.close();
    await browser.close();
  }
}
