import sharp from "sharp";

/**
 * A single-colour image compresses to almost nothing in every format we produce: anything larger
 * than this cannot be blank, and is not decoded (decoding a full screenshot costs milliseconds).
 */
const MOST_BYTES_OF_A_BLANK_IMAGE = 64 * 1024;

/**
 * Whether an image is a single colour: every channel has one value across all pixels. A page that
 * had not drawn anything yet renders so, and such an image must not be cached. sharp (libvips)
 * decodes any of our formats and computes the per-channel minimum and maximum natively.
 */
export async function isBlankImage(bytes: Uint8Array): Promise<boolean> {
  if (bytes.byteLength > MOST_BYTES_OF_A_BLANK_IMAGE) return false;
  const { channels } = await sharp(bytes).stats();
  return channels.every((channel) => channel.min === channel.max);
}
