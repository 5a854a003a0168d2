import sharp from "sharp";

/** The RGB of the pixel at (x, y) of an encoded image. */
export async function pixelAt(image: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at] ?? -1, data[at + 1] ?? -1, data[at + 2] ?? -1];
}

/** The smallest box holding every pixel of exactly `colour` (RGB), or undefined for none. */
export async function boundsOfColour(
  image: Uint8Array,
  [red, green, blue]: readonly number[],
): Promise<{ left: number; top: number; right: number; bottom: number } | undefined> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  let bounds: { left: number; top: number; right: number; bottom: number } | undefined;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const at = (y * info.width + x) * info.channels;
      if (data[at] !== red || data[at + 1] !== green || data[at + 2] !== blue) continue;
      bounds = {
        left: Math.min(bounds?.left ?? x, x),
        top: Math.min(bounds?.top ?? y, y),
        right: Math.max(bounds?.right ?? x, x),
        bottom: Math.max(bounds?.bottom ?? y, y),
      };
    }
  }
  return bounds;
}
