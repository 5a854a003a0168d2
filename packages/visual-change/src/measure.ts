/**
 * @module How much an image changed: the share of compared pixels that differ beyond a colour
 * tolerance, anti-aliasing left out, masked areas left out. Self-contained (no relative imports),
 * so that a worker thread can load it as it is.
 *
 * Why pixelmatch: it is the measure the visual-regression tools share (Playwright's
 * `toHaveScreenshot`, Storybook's, BackstopJS), a small pure function with no native part, and
 * it tells anti-aliased pixels (text edges that shift by a subpixel) from changed ones. odiff is
 * faster, but it is a native binary run per comparison from files on disk.
 */
import pixelmatch from "pixelmatch";
import sharp from "sharp";

/** A box in image pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChangeInput {
  /** The earlier image and the later one, encoded (PNG, JPEG or WebP). */
  before: Uint8Array;
  after: Uint8Array;
  /** Areas left out of the comparison: pixels there count neither as compared nor as changed. */
  masks?: readonly Region[];
  /** Draw the diff image too. */
  diff?: boolean;
}

export interface ChangeMeasure {
  /** changedPixels / comparedPixels, 0 when nothing was compared. */
  ratio: number;
  changedPixels: number;
  comparedPixels: number;
  /** The compared canvas: the larger of the two images' widths and heights. */
  width: number;
  height: number;
  /** With `diff`: a PNG of `after` faded, changed pixels red, masked areas hatched. */
  diffPng?: Uint8Array;
}

/**
 * pixelmatch's colour tolerance: 0.1 of the YIQ distance, its default and Playwright's; below it
 * lie JPEG noise and colour-profile rounding, above it anything a person sees.
 */
const COLOUR_TOLERANCE = 0.1;
/** How much of `after` shows through in the diff image. */
const FADED = 0.1;
const RED = [255, 0, 0] as const;
const HATCH = [90, 90, 90] as const;

interface Raw {
  pixels: Buffer;
  width: number;
  height: number;
}

async function decode(image: Uint8Array): Promise<Raw> {
  const { data, info } = await sharp(image)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

/** The top-left `width` × `height` of an image, as RGBA rows. */
function crop(image: Raw, width: number, height: number): Buffer {
  if (image.width === width) return image.pixels.subarray(0, width * height * 4);
  const rows = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    image.pixels.copy(rows, y * width * 4, y * image.width * 4, (y * image.width + width) * 4);
  }
  return rows;
}

/** One byte per pixel of a `width` × `height` canvas: 1 where a mask covers it. */
function maskOf(masks: readonly Region[], width: number, height: number): Uint8Array {
  const masked = new Uint8Array(width * height);
  for (const { x, y, width: w, height: h } of masks) {
    const left = Math.max(0, Math.floor(x));
    const top = Math.max(0, Math.floor(y));
    const right = Math.min(width, Math.ceil(x + w));
    const bottom = Math.min(height, Math.ceil(y + h));
    for (let row = top; row < bottom; row++)
      masked.fill(1, row * width + left, row * width + right);
  }
  return masked;
}

function paint(pixels: Uint8Array, at: number, [r, g, b]: readonly number[]): void {
  pixels[at * 4] = r ?? 0;
  pixels[at * 4 + 1] = g ?? 0;
  pixels[at * 4 + 2] = b ?? 0;
  pixels[at * 4 + 3] = 255;
}

/** Whether a pixel of the canvas lies where both images have one. */
const inOverlap = (x: number, y: number, overlap: { width: number; height: number }) =>
  x < overlap.width && y < overlap.height;

/**
 * Compares two images. Where their sizes differ (a page grew), the overlap is compared pixel by
 * pixel and the rest counts as changed.
 */
export async function measureChange(input: ChangeInput): Promise<ChangeMeasure> {
  const [before, after] = await Promise.all([decode(input.before), decode(input.after)]);
  const width = Math.max(before.width, after.width);
  const height = Math.max(before.height, after.height);
  const overlap = {
    width: Math.min(before.width, after.width),
    height: Math.min(before.height, after.height),
  };
  const masks = input.masks ?? [];
  const masked = maskOf(masks, width, height);

  const older = crop(before, overlap.width, overlap.height);
  const newer = Buffer.from(crop(after, overlap.width, overlap.height));
  // A masked pixel of the later image takes the earlier one's colour: no change there.
  if (masks.length > 0) {
    for (let y = 0; y < overlap.height; y++) {
      for (let x = 0; x < overlap.width; x++) {
        const at = (y * overlap.width + x) * 4;
        if (masked[y * width + x]) older.copy(newer, at, at, at + 4);
      }
    }
  }
  const overlapDiff = input.diff ? new Uint8Array(overlap.width * overlap.height * 4) : undefined;
  // `after` first: the diff image shows it, faded. Anti-aliased pixels are no change: drawn
  // white, as faded pixels nearly are.
  const changedInOverlap = pixelmatch(newer, older, overlapDiff, overlap.width, overlap.height, {
    threshold: COLOUR_TOLERANCE,
    includeAA: false,
    alpha: FADED,
    aaColor: [255, 255, 255],
    diffColor: [...RED],
  });

  let maskedPixels = 0;
  let changedOutside = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (masked[y * width + x]) maskedPixels++;
      else if (!inOverlap(x, y, overlap)) changedOutside++;
    }
  }
  const comparedPixels = width * height - maskedPixels;
  const changedPixels = changedInOverlap + changedOutside;
  return {
    ratio: comparedPixels > 0 ? changedPixels / comparedPixels : 0,
    changedPixels,
    comparedPixels,
    width,
    height,
    ...(overlapDiff && {
      diffPng: await drawDiff(overlapDiff, overlap, masked, { width, height }),
    }),
  };
}

/**
 * The diff image on the whole canvas: pixelmatch's drawing of the overlap, red where only one
 * image has pixels, and masked areas hatched.
 */
async function drawDiff(
  overlapDiff: Uint8Array,
  overlap: { width: number; height: number },
  masked: Uint8Array,
  canvas: { width: number; height: number },
): Promise<Uint8Array> {
  const { width, height } = canvas;
  const diff = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * width + x;
      if (masked[at] && (x + y) % 8 < 3) paint(diff, at, HATCH);
      else if (inOverlap(x, y, overlap)) {
        const from = (y * overlap.width + x) * 4;
        diff.set(overlapDiff.subarray(from, from + 4), at * 4);
      } else paint(diff, at, masked[at] ? [255, 255, 255] : RED);
    }
  }
  return new Uint8Array(
    await sharp(diff, { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer(),
  );
}
