import { type CaptureInput, captureOptionsSchema } from "@shotcache/core";
import { availableOrSkip, type FixtureSite, startFixtureSite } from "@shotcache/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserExecutable } from "./find-browser";
import { ALLOW_ALL } from "./network-guard";
import { createPuppeteerRenderer, type PuppeteerRenderer } from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));

/**
 * `/scene`'s clock is a 200×40 box 20 px from the viewport's top right corner: where the render
 * says it was, in the pixels of the image it made, however the shot was framed.
 */
describe.skipIf(!executablePath)("the boxes of ignored selectors (real Chromium)", () => {
  let site: FixtureSite;
  let renderer: PuppeteerRenderer;
  const render = (input: Omit<CaptureInput, "url">) =>
    renderer.render(
      captureOptionsSchema.parse({
        url: site.url("/scene"),
        ignoreSelectors: ["#clock"],
        ...input,
      }),
    );

  beforeAll(async () => {
    site = await startFixtureSite();
    renderer = createPuppeteerRenderer({ network: ALLOW_ALL, executablePath });
  });
  afterAll(async () => {
    await renderer?.close();
    await site?.close();
  });

  it("in the viewport's pixels, times the scale", async () => {
    const { boxes, bytes } = await render({ width: 800, height: 600, scale: 2 });
    expect(boxes).toEqual({ "#clock": [{ x: 1160, y: 40, width: 400, height: 80 }] });
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 1600, height: 1200 });
  });

  it("from a clip's corner, and in a resized image", async () => {
    const clipped = await render({ width: 800, height: 600, clip: "500,10,300,100" });
    expect(clipped.boxes).toEqual({ "#clock": [{ x: 80, y: 10, width: 200, height: 40 }] });
    const resized = await render({ width: 800, height: 600, imageWidth: 400 });
    expect(resized.boxes).toEqual({ "#clock": [{ x: 290, y: 10, width: 100, height: 20 }] });
  });

  it("none for a selector that matches nothing or that the page cannot read", async () => {
    const { boxes } = await render({ ignoreSelectors: ["#nothing", "a:unknown-pseudo"] });
    expect(boxes).toEqual({ "#nothing": [], "a:unknown-pseudo": [] });
    const { boxes: none } = await render({ ignoreSelectors: undefined });
    expect(none).toBeUndefined();
  });
});
