import sharp from "sharp";
import { pngRows, readPng } from "./png-rows";

/** Lossy formats (jpeg, webp) add a little noise to a flat colour: this many levels are tolerated. */
const LOSSY_NOISE_LEVELS = 8;

/**
 * Whether an image is a single colour: every channel keeps within a few levels across all pixels.
 * A page that had not drawn anything yet renders so, and such an image must not be cached.
 *
 * Only images small enough to be blank are decoded: a single colour compresses to far less than
 * 1 byte in 100 of its raw RGB bytes in every format we produce, and any busy page to far more.
 * A PNG (Chromium's own shot, most renders) is read row by row and the answer is known at the
 * first row that varies, usually near the top; other formats are decoded whole by sharp (libvips,
 * off the main thread). Either is several times cheaper than sharp's `stats()`, which also
 * computes entropy and sharpness for every channel.
 */
export async function isBlankImage(bytes: Uint8Array, pixels: number): Promise<boolean> {
  if (bytes.byteLength > Math.max(16 * 1024, (pixels * 3) / 100)) return false;
  const png = readPng(bytes);
  if (png) {
    const range = channelRange(png.channels);
    for await (const row of pngRows(png)) if (!range.holds(row)) return false;
    return true;
  }
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return channelRange(info.channels).holds(data);
}

/**
 * The range of each channel over the pixels it has seen: `holds` takes more pixels and says
 * whether every channel still keeps within the tolerated levels.
 */
function channelRange(channels: number) {
  // Nothing seen yet: the first value sets both ends.
  const low = new Int16Array(channels).fill(256);
  const high = new Int16Array(channels).fill(-1);
  return {
    holds(pixels: Uint8Array): boolean {
      for (let channel = 0; channel < channels; channel++) {
        let min = low[channel] ?? 0;
        let max = high[channel] ?? 0;
        for (let index = channel; index < pixels.length; index += channels) {
          const value = pixels[index] ?? 0;
          if (value < min) min = value;
          if (value > max) max = value;
          if (max - min > LOSSY_NOISE_LEVELS) return false;
        }
        low[channel] = min;
        high[channel] = max;
      }
      return true;
    },
  };
}
