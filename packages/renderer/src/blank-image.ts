import sharp from "sharp";

/**
 * Whether an image is a single colour: every channel has one value across all pixels (within
 * compression noise). A page that
 * had not drawn anything yet renders so, and such an image must not be cached. sharp (libvips)
 * decodes any of our formats and computes the per-channel minimum and maximum natively.
 *
 * Decoding a full screenshot costs tens of milliseconds, so only images small enough to be blank
 * are decoded: a single colour compresses to far less than 1 byte in 100 of its raw RGB bytes in
 * every format we produce, and any real page to far more.
 */
const LOSSY_NOISE_LEVELS = 8;

export async function isBlankImage(bytes: Uint8Array, pixels: number): Promise<boolean> {
  if (bytes.byteLength > Math.max(16 * 1024, (pixels * 3) / 100)) return false;
  const { channels } = await sharp(bytes).stats();
  // Lossy formats (jpeg, webp) add a little noise to a flat colour: a few levels are tolerated.
  return channels.every((channel) => channel.max - channel.min <= LOSSY_NOISE_LEVELS);
}
