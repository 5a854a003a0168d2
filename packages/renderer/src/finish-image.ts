import type { CaptureOptions, Region } from "@shotcache/core";
import sharp from "sharp";

/**
 * Whether the image needs work after Chromium's shot: a resize (thumbnails), or a format Chromium
 * does not write (avif). Such a shot is taken as lossless png and encoded once, here.
 */
export const needsFinishing = (options: CaptureOptions) =>
  options.format === "avif" ||
  options.imageWidth !== undefined ||
  options.imageHeight !== undefined;

/** What Chromium is asked for. */
export function screenshotFormat(options: CaptureOptions) {
  return needsFinishing(options)
    ? { type: "png" as const }
    : { type: options.format as "png" | "jpeg" | "webp", quality: options.quality };
}

/**
 * Whether a render is judged for drawing nothing (a single colour): images are; a PDF and
 * metadata are taken as they are.
 */
export function mayBeBlank(options: CaptureOptions): boolean {
  return options.format !== "pdf" && options.format !== "metadata";
}

/**
 * The image as asked for: resized to `imageWidth` and/or `imageHeight` (the aspect ratio kept when
 * only one is given, else cropped to fill both) and encoded in its format. sharp (libvips) works
 * off the main thread, and encodes the same pixels to the same bytes every time.
 */
export async function finishImage(bytes: Uint8Array, options: CaptureOptions): Promise<Uint8Array> {
  if (options.format === "pdf") return pinPrintTime(bytes);
  if (options.format === "metadata") return bytes;
  if (!needsFinishing(options)) return bytes;
  const { imageWidth: width, imageHeight: height } = options;
  let image = sharp(bytes);
  if (width !== undefined || height !== undefined)
    image = image.resize({ width, height, fit: "cover" });
  const encoded = await image.toFormat(options.format, { quality: options.quality }).toBuffer();
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/**
 * Boxes in the shot's pixels as they are in the finished image: resized as `finishImage` resizes
 * (cropped about the centre when both sides are given).
 */
export async function finishBoxes(
  boxes: Record<string, Region[]> | undefined,
  shot: Uint8Array,
  options: CaptureOptions,
): Promise<Record<string, Region[]> | undefined> {
  const { imageWidth, imageHeight } = options;
  if (!boxes || (imageWidth === undefined && imageHeight === undefined)) return boxes;
  const { width = 1, height = 1 } = await sharp(shot).metadata();
  const factor = Math.max((imageWidth ?? 0) / width, (imageHeight ?? 0) / height);
  const left = imageWidth === undefined ? 0 : (width * factor - imageWidth) / 2;
  const top = imageHeight === undefined ? 0 : (height * factor - imageHeight) / 2;
  const resize = ({ x, y, width: w, height: h }: Region): Region => ({
    x: x * factor - left,
    y: y * factor - top,
    width: w * factor,
    height: h * factor,
  });
  return Object.fromEntries(
    Object.entries(boxes).map(([selector, regions]) => [selector, regions.map(resize)]),
  );
}

const PRINT_TIME = /\/(CreationDate|ModDate) \(D:\d{14}/g;

/**
 * Chromium writes the time of printing into a PDF (`/CreationDate`, `/ModDate`), so that two
 * prints of an unchanged page differ. Pinned to one time, they are the same bytes and ETag. The
 * digits are replaced by as many, so every offset in the file stays right.
 */
function pinPrintTime(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const pinned = text.replace(PRINT_TIME, (found) => `${found.slice(0, -14)}19700101000000`);
  return pinned === text ? bytes : new Uint8Array(Buffer.from(pinned, "latin1"));
}
