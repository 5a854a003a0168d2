import { pixelAt } from "@shotcache/testkit";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { measureChange } from "./measure";

const WHITE = { r: 255, g: 255, b: 255 };

/** A PNG of a white page with the given SVG drawn on it. */
async function page(width: number, height: number, svg = ""): Promise<Uint8Array> {
  const drawing = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${svg}</svg>`;
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: WHITE } })
      .composite([{ input: Buffer.from(drawing) }])
      .png()
      .toBuffer(),
  );
}

const block = (x: number, y: number, width: number, height: number, fill: string) =>
  `<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${fill}"/>`;

describe("the change measure", () => {
  it("is 0 for the same image, and the changed share of the pixels otherwise", async () => {
    const before = await page(1280, 720, block(0, 0, 640, 720, "#3366cc"));
    expect((await measureChange({ before, after: before })).ratio).toBe(0);
    const after = await page(1280, 720, block(0, 0, 640, 720, "#cc3333"));
    const measure = await measureChange({ before, after });
    expect(measure.ratio).toBeCloseTo(0.5, 2);
    expect(measure).toMatchObject({ comparedPixels: 1280 * 720, width: 1280, height: 720 });
  });

  it("leaves out anti-aliasing: a shape moved by a fraction of a pixel is no change", async () => {
    const circle = (cx: number) => `<circle cx="${cx}" cy="200" r="80" fill="#000"/>`;
    const before = await page(400, 400, circle(200));
    const after = await page(400, 400, circle(200.4));
    expect(Buffer.from(before).equals(Buffer.from(after))).toBe(false);
    expect((await measureChange({ before, after })).changedPixels).toBe(0);
  });

  it("ignores a small colour difference, and counts one a person sees", async () => {
    const before = await page(200, 200, block(0, 0, 100, 200, "#808080"));
    const near = await page(200, 200, block(0, 0, 100, 200, "#828282"));
    expect((await measureChange({ before, after: near })).ratio).toBe(0);
    const far = await page(200, 200, block(0, 0, 100, 200, "#a0a0a0"));
    expect((await measureChange({ before, after: far })).ratio).toBeCloseTo(0.5, 2);
  });

  it("leaves masked areas out of both the compared and the changed pixels", async () => {
    const before = await page(1000, 100, block(0, 0, 100, 100, "#000"));
    const after = await page(
      1000,
      100,
      block(0, 0, 100, 100, "#f00") + block(900, 0, 100, 100, "#00f"),
    );
    const masks = [{ x: 0, y: 0, width: 100, height: 100 }];
    const measure = await measureChange({ before, after, masks });
    expect(measure.comparedPixels).toBe(900 * 100);
    expect(measure.changedPixels).toBe(100 * 100);
    // A mask partly off the canvas is clipped to it.
    const offCanvas = [{ x: 900, y: -50, width: 200, height: 500 }, ...masks];
    expect((await measureChange({ before, after, masks: offCanvas })).ratio).toBe(0);
  });

  it("compares the overlap of images of different heights, and counts the rest as changed", async () => {
    const before = await page(100, 100);
    const after = await page(100, 300);
    const measure = await measureChange({ before, after });
    expect(measure).toMatchObject({ width: 100, height: 300, changedPixels: 100 * 200 });
    expect(measure.ratio).toBeCloseTo(2 / 3, 5);
  });

  it("draws the diff: after faded, red where it changed, masked areas hatched", async () => {
    const before = await page(300, 100);
    const after = await page(
      300,
      100,
      block(0, 0, 100, 100, "#000") + block(200, 0, 100, 100, "#000"),
    );
    const { diffPng } = await measureChange({
      before,
      after,
      masks: [{ x: 200, y: 0, width: 100, height: 100 }],
      diff: true,
    });
    expect(diffPng).toBeDefined();
    const diff = diffPng as Uint8Array;
    expect(await pixelAt(diff, 50, 50)).toEqual([255, 0, 0]);
    const [r = 0, g = 0, b = 0] = await pixelAt(diff, 150, 50);
    expect(Math.min(r, g, b)).toBeGreaterThan(200); // unchanged white, faded: near white
    // Hatching: dark stripes across the masked block, faded pixels between them.
    const stripe = await pixelAt(diff, 200, 0);
    const between = await pixelAt(diff, 204, 0);
    expect(stripe).toEqual([90, 90, 90]);
    expect(between).not.toEqual([90, 90, 90]);
  });
});
