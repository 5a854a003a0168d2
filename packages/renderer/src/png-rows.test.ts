import { crc32, deflateSync, inflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { type PngImage, pngRows, readPng } from "./png-rows";

const COLOUR_TYPES = { grey: 0, rgb: 2, greyAlpha: 4, rgba: 6 } as const;
const CHANNELS = { grey: 1, rgb: 3, greyAlpha: 2, rgba: 4 } as const;

/**
 * Pixels in blocks of one value with scattered noise: every filter leaves different bytes, and the
 * Paeth predictor meets ties (equal distances), which decide between its neighbours.
 */
function pixels(width: number, height: number, channels: number): Uint8Array {
  const bytes = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let channel = 0; channel < channels; channel++) {
        const index = (y * width + x) * channels + channel;
        const noisy = (x * 31 + y * 17) % 7 === 0;
        const block = (x >> 2) * 37 + (y >> 1) * 91 + channel * 50;
        bytes[index] = (noisy ? index * 7919 + (index >> 5) : block) & 0xff;
      }
    }
  }
  return bytes;
}

/** The filter of the PNG specification (section 9) applied to one byte. */
function predictor(filter: number, left: number, up: number, upLeft: number): number {
  if (filter === 1) return left;
  if (filter === 2) return up;
  if (filter === 3) return (left + up) >> 1;
  if (filter === 4) {
    const estimate = left + up - upLeft;
    const [a, b, c] = [left, up, upLeft].map((value) => Math.abs(estimate - value));
    return (a ?? 0) <= (b ?? 0) && (a ?? 0) <= (c ?? 0) ? left : (b ?? 0) <= (c ?? 0) ? up : upLeft;
  }
  return 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const framed = Buffer.alloc(body.length + 8);
  framed.writeUInt32BE(data.length, 0);
  body.copy(framed, 4);
  framed.writeUInt32BE(crc32(body), body.length + 4);
  return framed;
}

/**
 * A PNG written here, row `y` with filter `y % 5`, so that every filter type is read; the IDAT
 * data split over several chunks, as encoders may.
 */
function encodePng(
  raw: Uint8Array,
  width: number,
  height: number,
  kind: keyof typeof COLOUR_TYPES,
): Buffer {
  const channels = CHANNELS[kind];
  const stride = width * channels;
  const filtered = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    filtered[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const at = (index: number, row: number) =>
        index < 0 || row < 0 ? 0 : (raw[row * stride + index] ?? 0);
      const guess = predictor(filter, at(x - channels, y), at(x, y - 1), at(x - channels, y - 1));
      filtered[y * (stride + 1) + 1 + x] = ((raw[y * stride + x] ?? 0) - guess) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, COLOUR_TYPES[kind], 0, 0, 0], 8);
  const data = deflateSync(filtered);
  const half = Math.floor(data.length / 2);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", data.subarray(0, half)),
    chunk("IDAT", data.subarray(half)),
    chunk("IEND", new Uint8Array()),
  ]);
}

/** Pixels of any of the colour types as RGBA, as sharp decodes them. */
function asRgba(raw: Uint8Array, channels: number): Buffer {
  const rgba = Buffer.alloc((raw.length / channels) * 4);
  for (let pixel = 0; pixel < raw.length / channels; pixel++) {
    const at = (channel: number) => raw[pixel * channels + channel] ?? 0;
    const grey = channels < 3;
    const alpha = channels === 2 || channels === 4 ? at(channels - 1) : 255;
    rgba.set([at(0), grey ? at(0) : at(1), grey ? at(0) : at(2), alpha], pixel * 4);
  }
  return rgba;
}

async function allRows(image: PngImage): Promise<Buffer> {
  const rows: Buffer[] = [];
  for await (const row of pngRows(image)) rows.push(Buffer.from(row)); // each row is reused
  return Buffer.concat(rows);
}

describe("pngRows", () => {
  it.each(Object.keys(COLOUR_TYPES) as (keyof typeof COLOUR_TYPES)[])(
    "reads every filter type of a %s PNG back to its pixels",
    async (kind) => {
      // Wide enough that the inflated data comes in several steps, rows across their edges.
      const [width, height] = [1283, 61];
      const raw = pixels(width, height, CHANNELS[kind]);
      const png = encodePng(raw, width, height, kind);
      // sharp decodes it to the same pixels: the PNG written here is a valid one.
      const decoded = await sharp(png).ensureAlpha().raw().toBuffer();
      expect(Buffer.compare(decoded, asRgba(raw, CHANNELS[kind]))).toBe(0);
      const image = readPng(png);
      expect(image).toMatchObject({ width, height, channels: CHANNELS[kind] });
      expect(Buffer.compare(await allRows(image as PngImage), Buffer.from(raw))).toBe(0);
    },
  );

  it("reads PNGs written by sharp (libspng) with adaptive filtering", async () => {
    const raw = pixels(300, 200, 3);
    const png = await sharp(raw, { raw: { width: 300, height: 200, channels: 3 } })
      .png({ adaptiveFiltering: true })
      .toBuffer();
    expect(Buffer.compare(await allRows(readPng(png) as PngImage), Buffer.from(raw))).toBe(0);
  });

  it("fails on a row with an unknown filter type", async () => {
    const png = encodePng(pixels(64, 64, 3), 64, 64, "rgb");
    const image = readPng(png) as PngImage;
    const filtered = inflateSync(image.compressed);
    filtered[10 * (64 * 3 + 1)] = 5; // row 10's filter byte
    await expect(allRows({ ...image, compressed: deflateSync(filtered) })).rejects.toThrow(
      /unknown filter type \(5\)/,
    );
  });

  it("fails on a chunk that runs past the file's end", () => {
    const png = encodePng(pixels(64, 64, 3), 64, 64, "rgb");
    expect(() => readPng(png.subarray(0, png.length - 20))).toThrow(/past the file's end/);
  });

  it("fails on a PNG cut short", async () => {
    const png = encodePng(pixels(64, 64, 3), 64, 64, "rgb");
    const image = readPng(png) as PngImage;
    const cut = { ...image, compressed: image.compressed.subarray(0, image.compressed.length / 2) };
    await expect(allRows(cut)).rejects.toThrow();
  });

  it("reads only the PNGs Chromium writes, and no other image", async () => {
    const flat = sharp({ create: { width: 8, height: 8, channels: 3, background: "#123456" } });
    const [palette, sixteenBit, interlaced, jpeg] = await Promise.all([
      flat.clone().png({ palette: true }).toBuffer(),
      flat.clone().toColourspace("rgb16").png().toBuffer(),
      flat.clone().png({ progressive: true }).toBuffer(),
      flat.clone().jpeg().toBuffer(),
    ]);
    for (const image of [palette, sixteenBit, interlaced, jpeg, Buffer.from("not an image")]) {
      expect(readPng(image)).toBeUndefined();
    }
    expect(readPng(await flat.clone().png().toBuffer())).toMatchObject({ width: 8, height: 8 });
  });
});
