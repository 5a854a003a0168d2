import { setTimeout as sleep } from "node:timers/promises";
import { captureOptionsSchema, createCaptureService } from "@shotcache/core";
import {
  ALLOW_ALL,
  browserLaunchOptions,
  createPuppeteerRenderer,
  findBrowserExecutable,
  type RenderTimings,
} from "@shotcache/renderer";
import { createMemoryStore } from "@shotcache/store";
import type { FixtureSite } from "@shotcache/testkit";
import puppeteer, { type Browser } from "puppeteer";

import { inTurns, median, perSecond, timed } from "./measure";

/** Rounds of the throughput figure. */
const THROUGHPUT_ROUNDS = 4;
/**
 * Orders of four contenders in which each follows each of the others exactly once (a Williams
 * design), taken in turn by the latency turns.
 */
const BALANCED_ORDERS = [
  [0, 1, 3, 2],
  [1, 2, 0, 3],
  [2, 3, 1, 0],
  [3, 0, 2, 1],
];
/** Turns of the latency figures: three rounds of the balanced orders. */
const LATENCY_TURNS = 12;
/** A pause before each timed capture of the latency turns. */
const PAUSE_MS = 100;

/** Where the floor's time goes, in ms. */
export interface FloorSteps {
  newPage: number;
  navigation: number;
  shot: number;
  close: number;
}

/**
 * The floor: a fresh page in an already running browser, as little as a screenshot can cost.
 * Its steps are added to `steps` when given.
 */
async function floorShot(browser: Browser, url: string, steps?: FloorSteps): Promise<void> {
  let last = performance.now();
  const step = (name: keyof FloorSteps) => {
    const now = performance.now();
    if (steps) steps[name] = now - last;
    last = now;
  };
  const page = await browser.newPage();
  step("newPage");
  try {
    await page.setViewport({ width: 1280, height: 720 });
    await page.goto(url, { waitUntil: "load" });
    step("navigation");
    await page.screenshot({ type: "png" });
    step("shot");
  } finally {
    await page.close();
    step("close");
  }
}

/** Each step's median over `runs`. */
function medianSteps<T extends object>(runs: readonly T[]): T {
  const first = runs[0] ?? ({} as T);
  return Object.fromEntries(
    Object.keys(first).map((key) => [
      key,
      median(runs.map((run) => run[key as keyof T] as number)),
    ]),
  ) as T;
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
  /** Where the time of a warm render went: the medians of each step, ours and the floor's. */
  oursSteps: RenderTimings;
  floorSteps: FloorSteps;
}

/** Render latency, launch-per-request, render throughput and coalescing, against real Chromium. */
export async function measureRenders(site: FixtureSite): Promise<RenderFigures> {
  const executablePath = await findBrowserExecutable(process.env);
  // Every baseline launches the very browser the renderer does, the same way.
  const launchOptions = browserLaunchOptions(executablePath);
  const browser = await puppeteer.launch(launchOptions);
  const oursSteps: RenderTimings[] = [];
  let timingSteps = false;
  const renderer = createPuppeteerRenderer({
    executablePath,
    network: ALLOW_ALL,
    concurrency: 4,
    onTimings: (timings) => timingSteps && oursSteps.push(timings),
  });
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
    const floorSteps: FloorSteps[] = [];
    const contenders: (() => Promise<void>)[] = [
      async () => {
        const steps = { newPage: 0, navigation: 0, shot: 0, close: 0 };
        floor.push(await timed(() => floorShot(browser, site.url("/stable"), steps)));
        floorSteps.push(steps);
      },
      async () => {
        incognito.push(await timed(() => incognitoShot(browser, site.url("/stable"))));
      },
      async () => {
        timingSteps = true;
        ours.push(await timed(() => renderer.render(options("/stable"))));
        timingSteps = false;
        // Its next context is made ready between captures, as on a server between requests:
        // not while another contender is timed.
        await renderer.settled();
      },
      async () => {
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
      },
    ];
    // All four in the same turns: this machine is throttled in spells of seconds, which would
    // otherwise fall on one side only. The turns take the contenders in the orders of a balanced
    // Latin square, so each follows each of the others as often (Chromium ends a closed page's
    // process after its close has answered), and a pause before each lets the last one's
    // leftovers finish.
    for (let turn = 0; turn < LATENCY_TURNS; turn++) {
      for (const contender of BALANCED_ORDERS[turn % BALANCED_ORDERS.length] ?? []) {
        await sleep(PAUSE_MS);
        await contenders[contender]?.();
      }
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
      oursSteps: medianSteps(oursSteps),
      floorSteps: medianSteps(floorSteps),
    };
  } finally {
    await renderer.close();
    await browser.close();
  }
}
