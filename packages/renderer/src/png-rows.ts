import { createInflate } from "node:zlib";

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
/** Channels per pixel of the 8-bit colour types read here: grey, RGB, grey + alpha, RGBA. */
const CHANNELS_OF_COLOUR_TYPE: Partial<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };
/** Inflated in steps of this size, so that a reader who stops early inflates little more. */
const INFLATE_STEP = 64 * 1024;

export interface PngImage {
  width: number;
  height: number;
  channels: number;
  /** The compressed image data: its IDAT chunks, joined. */
  compressed: Buffer;
}

/**
 * The layout of a PNG as Chromium writes its screenshots (8 bits per channel, not interlaced, no
 * palette); undefined for any other image. Throws on a PNG whose chunks run past its end.
 */
export function readPng(png: Uint8Array): PngImage | undefined {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE)) return undefined;
  // IHDR comes first: width, height, bit depth, colour type, compression, filter, interlace.
  if (bytes.toString("latin1", 12, 16) !== "IHDR") return undefined;
  const channels = CHANNELS_OF_COLOUR_TYPE[bytes[25] ?? -1];
  if (bytes[24] !== 8 || channels === undefined || bytes[28] !== 0) return undefined;
  const chunks: Buffer[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (at + 12 + length > bytes.length) throw new Error("A PNG chunk runs past the file's end.");
    const type = bytes.toString("latin1", at + 4, at + 8);
    if (type === "IDAT") chunks.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === "IEND") break;
    at += 12 + length;
  }
  const compressed = Buffer.concat(chunks);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), channels, compressed };
}

/**
 * The pixel rows of `image`, top to bottom and unfiltered: one pixel after another, a byte per
 * channel. The same array is handed out for every other row: read it before asking for the
 * next. Inflated step by step off the main thread, so a caller that needs only the first rows
 * (the blank check, mostly) stops early and inflates little; stopping ends the inflating.
 *
 * Our own, not a library's: the PNG decoders on npm (sharp, pngjs, fast-png) decode the whole
 * image, all its megabytes at once, before answering.
 */
export async function* pngRows(image: PngImage): AsyncGenerator<Uint8Array> {
  const stride = image.width * image.channels;
  const filtered = new Uint8Array(stride + 1);
  let filled = 0;
  let previous = new Uint8Array(stride);
  let current = new Uint8Array(stride);
  let y = 0;
  const inflater = createInflate({ chunkSize: INFLATE_STEP });
  inflater.end(image.compressed);
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length && y < image.height; ) {
        const taken = Math.min(filtered.length - filled, chunk.length - at);
        filtered.set(chunk.subarray(at, at + taken), filled);
        filled += taken;
        at += taken;
        if (filled < filtered.length) break;
        const filter = filtered[0] ?? 0;
        if (filter > 4) throw new Error(`A PNG row has an unknown filter type (${filter}).`);
        unfilter(filter, filtered.subarray(1), previous, current, image.channels);
        yield current;
        [previous, current] = [current, previous];
        filled = 0;
        y++;
      }
    }
  } finally {
    inflater.destroy();
  }
  if (y < image.height) throw new Error("The PNG ends before its last row.");
}

/**
 * Undoes a row's filter (PNG specification, section 9) into `row`, from `filtered` and the row
 * above; a loop per filter type, since this runs for every byte of the image read.
 */
function unfilter(
  filter: number,
  filtered: Uint8Array,
  above: Uint8Array,
  row: Uint8Array,
  bytesPerPixel: number,
): void {
  const length = filtered.length;
  // The first pixel has nothing to its left: its predictors see 0 there.
  for (let i = 0; i < bytesPerPixel; i++) {
    const up = above[i] ?? 0;
    const predicted = filter === 2 || filter === 4 ? up : filter === 3 ? up >> 1 : 0;
    row[i] = ((filtered[i] ?? 0) + predicted) & 0xff;
  }
  if (filter === 0) row.set(filtered.subarray(bytesPerPixel), bytesPerPixel);
  else if (filter === 1) {
    for (let i = bytesPerPixel; i < length; i++) {
      row[i] = ((filtered[i] ?? 0) + (row[i - bytesPerPixel] ?? 0)) & 0xff;
    }
  } else if (filter === 2) {
    for (let i = bytesPerPixel; i < length; i++) {
      row[i] = ((filtered[i] ?? 0) + (above[i] ?? 0)) & 0xff;
    }
  } else if (filter === 3) {
    for (let i = bytesPerPixel; i < length; i++) {
      const average = ((row[i - bytesPerPixel] ?? 0) + (above[i] ?? 0)) >> 1;
      row[i] = ((filtered[i] ?? 0) + average) & 0xff;
    }
  } else {
    for (let i = bytesPerPixel; i < length; i++) {
      const left = row[i - bytesPerPixel] ?? 0;
      const up = above[i] ?? 0;
      const upLeft = above[i - bytesPerPixel] ?? 0;
      row[i] = ((filtered[i] ?? 0) + paeth(left, up, upLeft)) & 0xff;
    }
  }
}

/** The Paeth predictor: whichever of left, up and up-left is nearest to left + up - up-left. */
function paeth(left: number, up: number, upLeft: number): number {
  const toLeft = Math.abs(up - upLeft);
  const toUp = Math.abs(left - upLeft);
  const toUpLeft = Math.abs(left + up - 2 * upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}
