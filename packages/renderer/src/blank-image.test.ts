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
});
