import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { isBlankImage } from "./blank-image";

const flat = (format: "png" | "jpeg" | "webp", width = 1280, height = 720) =>
  sharp({ create: { width, height, channels: 3, background: "#3366cc" } })
    .toFormat(format)
    .toBuffer();

describe("isBlankImage", () => {
  it.each(["png", "jpeg", "webp"] as const)("finds a single-colour %s blank", async (format) => {
    expect(await isBlankImage(await flat(format), 1280 * 720)).toBe(true);
  });

  it("finds a large single-colour image blank too", async () => {
    expect(await isBlankImage(await flat("png", 3840, 4320), 3840 * 4320)).toBe(true);
  });

  it("finds two colours not blank", async () => {
    const twoColours = await sharp(await flat("png"))
      .composite([
        {
          input: await flat("png", 10, 10).then((b) => sharp(b).negate().toBuffer()),
          left: 5,
          top: 5,
        },
      ])
      .png()
      .toBuffer();
    expect(await isBlankImage(twoColours, 1280 * 720)).toBe(false);
  });

  it("reads a PNG to its last row: one that differs only there is not blank", async () => {
    const lastRowBlack = await sharp(await flat("png"))
      .composite([{ input: await flat("png", 1280, 1), left: 0, top: 719, blend: "difference" }])
      .png()
      .toBuffer();
    expect(await isBlankImage(lastRowBlack, 1280 * 720)).toBe(false);
  });

  it.each([
    ["grey", 1, 0],
    ["grey and alpha", 2, 4],
    ["RGB", 3, 2],
    ["RGBA", 4, 6],
  ] as const)("finds a single-colour %s PNG blank", async (_kind, channels, colourType) => {
    const raw = Buffer.alloc(640 * 360 * channels, 0x66);
    const png = await sharp(raw, { raw: { width: 640, height: 360, channels } })
      .toColourspace(channels < 3 ? "b-w" : "srgb")
      .png()
      .toBuffer();
    expect(png[25]).toBe(colourType); // the PNG is of the kind named
    expect(await isBlankImage(png, 640 * 360)).toBe(true);
  });
});
