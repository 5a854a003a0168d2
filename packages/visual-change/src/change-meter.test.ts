import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createChangeMeter } from "./change-meter";
import { measureChange } from "./measure";

const solid = async (width: number, height: number, grey: number) =>
  new Uint8Array(
    await sharp({
      create: { width, height, channels: 3, background: { r: grey, g: grey, b: grey } },
    })
      .png()
      .toBuffer(),
  );

describe("the change meter", () => {
  const meter = createChangeMeter();
  afterAll(() => meter.close());

  it("measures in a worker thread what the measure gives in this one", async () => {
    const before = await solid(640, 360, 255);
    const after = await solid(640, 360, 0);
    const masks = [{ x: 0, y: 0, width: 320, height: 360 }];
    expect(meter.threaded).toBe(true);
    const threaded = await meter.compare({ before, after, masks, diff: true });
    const here = await measureChange({ before, after, masks, diff: true });
    expect(threaded.ratio).toBe(1);
    expect(threaded.comparedPixels).toBe(320 * 360);
    expect(Buffer.from(threaded.diffPng ?? [])).toEqual(Buffer.from(here.diffPng ?? []));
  });

  it("rejects an image it cannot decode, and goes on measuring", async () => {
    const good = await solid(10, 10, 255);
    const broken = new Uint8Array([1, 2, 3]);
    await expect(meter.measure({ before: broken, after: good, masks: [] })).rejects.toThrow();
    expect(await meter.measure({ before: good, after: good, masks: [] })).toBe(0);
  });

  it("measures on this thread where its worker file is not there", async () => {
    const here = createChangeMeter({ workerFile: new URL("file:///nowhere/worker.mjs") });
    const image = await solid(10, 10, 255);
    expect(here.threaded).toBe(false);
    expect(await here.measure({ before: image, after: await solid(10, 10, 0), masks: [] })).toBe(1);
    await here.close();
  });
});
