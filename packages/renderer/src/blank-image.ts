import sharp from "sharp";

/**
 * Whether an image is a single colour: every channel has one value across all pixels. A page that
 * had not drawn anything yet renders so, and such an image must not be cached. sharp (libvips)
 * decodes any of our formats and computes the per-channel minimum and maximum natively.
 */
export async function isBlankImage(bytes: Uint8Array): Promise<boolean> {
  const { channels } = await sharp(bytes).stats();
  return channels.every((channel) => channel.min === channel.max);
}
