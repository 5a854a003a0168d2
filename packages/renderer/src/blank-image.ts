import sharp from "sharp";

/** Lossy formats (jpeg, webp) add a little noise to a flat colour: this many levels are tolerated. */
const LOSSY_NOISE_LEVELS = 8;

/**
 * Whether an image is a single colour: every channel keeps within a few levels across all pixels.
 * A page that had not drawn anything yet renders so, and such an image must not be cached.
 *
 * Only images small enough to be blank are decoded: a single colour compresses to far less than
 * 1 byte in 100 of its raw RGB bytes in every format we produce, and any busy page to far more.
 * sharp (libvips, off the main thread) decodes; the pixels are then scanned here, stopping at
 * the first channel that varies. That is several times cheaper than sharp's `stats()`, which
 * also computes entropy and sharpness for every channel.
 */
export async function isBlankImage(bytes: Uint8Array, pixels: number): Promise<boolean> {
  if (bytes.byteLength > Math.max(16 * 1024, (pixels * 3) / 100)) return false;
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  for (let channel = 0; channel < info.channels; channel++) {
    let min = data[channel] ?? 0;
    let max = min;
    for (let index = channel; index < data.length; index += info.channels) {
      const value = data[index] ?? 0;
      if (value < min) min = value;
      else if (value > max) max = value;
      if (max - min > LOSSY_NOISE_LEVELS) return false;
    }
  }
  return true;
}
