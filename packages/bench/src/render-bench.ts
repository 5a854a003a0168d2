import { captureOptionsSchema, createCaptureService } from "@shotcache/core";
import {
  ALLOW_ALL,
  chromiumArgs,
  createPuppeteerRenderer,
  findBrowserExecutable,
} from "@shotcache/renderer";
import { createMemoryStore } from "@shotcache/store";
import type { FixtureSite } from "@shotcache/testkit";
import puppeteer, { type Browser } from "puppeteer";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

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
  coalescedRenders: number;
}

/** Render latency, launch-per-request, render throughput and coalescing, against real Chromium. */
export async function measureRenders(site: FixtureSite): Promise<RenderFigures> {
  const executablePath = await findBrowserExecutable();
  const browser = await puppeteer.launch({ executablePath, headless: true, args: chromiumArgs() });
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
    for (let i = 0; i < 10; i++) {
      floor.push(await timed(() => floorShot(browser, site.url("/stable"))));
      incognito.push(await timed(() => incognitoShot(browser, site.url("/stable"))));
      ours.push(await timed(() => renderer.render(options("/stable"))));
      // Its next context is made ready between captures, as on a server between requests: not
      // while the baselines are timed.
      await renderer.settled();
    }

    const launches: number[] = [];
    for (let i = 0; i < 4; i++) {
      launches.push(
        await timed(async () => {
          const fresh = await puppeteer.launch({
            executablePath,
            headless: true,
            args: chromiumArgs(),
          });
          try {
            await floorShot(fresh, site.url("/stable"));
          } finally {
            await fresh.close();
          }
        }),
      );
    }

    const pages = Array.from({ length: 16 }, (_, i) => `/stable?page=${i}`);
    const floorTime = await timed(async () => {
      const queue = [...pages];
      const worker = async () => {
        for (let path = queue.shift(); path; path = queue.shift()) {
          await floorShot(browser, site.url(path));
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    });
    await renderer.settled();
    const oursTime = await timed(() =>
      Promise.all(pages.map((path) => renderer.render(options(path)))),
    );

    const before = site.requestCount("/changing");
    const service = createCaptureService({ store: createMemoryStore(), renderer });
    const cold = captureOptionsSchema.parse({ url: site.url("/changing?coalesce") });
    await Promise.all(Array.from({ length: 50 }, () => service.capture(cold)));

    return {
      floorMs: median(floor),
      incognitoMs: median(incognito),
      oursMs: median(ours),
      launchPerRequestMs: median(launches),
      floorPagesPerSecond: pages.length / (floorTime / 1000),
      oursPagesPerSecond: pages.length / (oursTime / 1000),
      coalescedRenders: site.requestCount("/changing") - before,
    };
  } finally {
    await renderer.close();
    await browser.close();
  }
}
