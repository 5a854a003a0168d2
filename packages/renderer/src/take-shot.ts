/// <reference lib="dom" />
// The full page's height is read in the page, where the DOM exists.
/**
 * @module The shot of a page made ready: its image (or PDF, or metadata) as the options frame
 * it, and where the elements of `ignoreSelectors` were in that image, for the change measure.
 */
import { CaptureError, type CaptureOptions, type Region } from "@shotcache/core";
import type { HTTPResponse, Page } from "puppeteer";
import { screenshotFormat } from "./finish-image";
import { pageMetadata } from "./page-metadata";

export interface Shot {
  bytes: Uint8Array;
  /** By ignored selector, the boxes of its elements in image pixels, before any resize. */
  boxes?: Record<string, Region[]>;
}

export const notFound = (selector: string, field: string) =>
  new CaptureError("ELEMENT_NOT_FOUND", `No element matches "${selector}".`, { field });

/**
 * Run in the page (as text: a transpiled function may call helpers the page lacks). Answers,
 * in document CSS pixels, the boxes of each selector's elements (none for a selector the page
 * cannot read, or elements not drawn) and that of the element the shot is of, if any.
 */
const BOXES_SCRIPT = `(selectors, shotOf) => {
  const box = (element) => {
    const rect = element.getBoundingClientRect();
    return { x: rect.x + scrollX, y: rect.y + scrollY, width: rect.width, height: rect.height };
  };
  const boxes = {};
  for (const selector of selectors) {
    try {
      boxes[selector] = [...document.querySelectorAll(selector)]
        .map(box)
        .filter((each) => each.width > 0 && each.height > 0);
    } catch {
      boxes[selector] = [];
    }
  }
  const shot = shotOf ? document.querySelector(shotOf) : null;
  return { boxes, origin: shot ? box(shot) : { x: scrollX, y: scrollY, width: 0, height: 0 } };
}`;

/** Most boxes kept per selector: a selector such as `div` may match thousands. */
const MAX_BOXES = 200;

/** The page's answer, as far as it is boxes: a page may say anything (it runs its own scripts). */
function boxesOf(value: unknown): Region[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (box): box is Region =>
        typeof box === "object" &&
        box !== null &&
        ["x", "y", "width", "height"].every((side) => Number.isFinite(box[side])),
    )
    .slice(0, MAX_BOXES);
}

/**
 * Where the elements of `ignoreSelectors` are in the shot about to be taken: from its origin
 * (the clip's corner, the element's, the page's top for a full page, else the viewport's), in
 * image pixels.
 */
async function ignoredBoxes(
  page: Page,
  options: CaptureOptions,
): Promise<Record<string, Region[]> | undefined> {
  if (!options.ignoreSelectors?.length) return undefined;
  const found = (await page.evaluate(
    `(${BOXES_SCRIPT})(${JSON.stringify(options.ignoreSelectors)}, ${JSON.stringify(options.selector ?? null)})`,
  )) as { boxes?: Record<string, unknown>; origin?: unknown };
  const [pageOrigin = { x: 0, y: 0 }] = boxesOf([found?.origin]);
  const origin = options.clip ?? (options.fullPage ? { x: 0, y: 0 } : pageOrigin);
  const { scale } = options;
  return Object.fromEntries(
    options.ignoreSelectors.map((selector) => [
      selector,
      boxesOf(found?.boxes?.[selector]).map(({ x, y, width, height }) => ({
        x: (x - origin.x) * scale,
        y: (y - origin.y) * scale,
        width: width * scale,
        height: height * scale,
      })),
    ]),
  );
}

export async function takeShot(
  page: Page,
  options: CaptureOptions,
  { response, maxCssHeight }: { response: HTTPResponse | null; maxCssHeight: number },
): Promise<Shot> {
  if (options.format === "metadata")
    return { bytes: await pageMetadata(page, options.url, response) };
  if (options.format === "pdf") {
    return { bytes: await page.pdf({ format: options.paperSize ?? "a4", printBackground: true }) };
  }
  const boxes = await ignoredBoxes(page, options);
  const shot = { ...screenshotFormat(options), omitBackground: options.omitBackground };
  if (options.clip) return { bytes: await page.screenshot({ ...shot, clip: options.clip }), boxes };
  if (options.selector) {
    const element = await page.$(options.selector);
    if (!element) throw notFound(options.selector, "selector");
    return { bytes: await element.screenshot(shot), boxes };
  }
  if (!options.fullPage) return { bytes: await page.screenshot(shot), boxes };
  // Measured just before the shot (the page may have grown), and never more than the cap.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const bytes = await page.screenshot({
    ...shot,
    captureBeyondViewport: true,
    clip: { x: 0, y: 0, width: options.width, height: Math.min(height, maxCssHeight) },
  });
  return { bytes, boxes };
}
