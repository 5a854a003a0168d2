/** @module What a capture of `/scripts` (SCRIPTS_PAGE, 400×100) shows of the fonts it had. */
import sharp from "sharp";

/** The RGB pixels of a 100×100 box of a 400×100 image, x from `left`. */
async function box(image: Uint8Array, left: number): Promise<Buffer> {
  return sharp(image)
    .extract({ left, top: 0, width: 100, height: 100 })
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** How many pixels are neither white nor grey: colour, as a colour emoji has and text has not. */
function colouredPixels(rgb: Buffer): number {
  let coloured = 0;
  for (let at = 0; at < rgb.length; at += 3) {
    const channels = [rgb[at] ?? 0, rgb[at + 1] ?? 0, rgb[at + 2] ?? 0];
    if (Math.max(...channels) - Math.min(...channels) > 64) coloured++;
  }
  return coloured;
}

/** How many pixels are dark: ink, where a glyph was drawn. */
function inkedPixels(rgb: Buffer): number {
  let inked = 0;
  for (let at = 0; at < rgb.length; at += 3) if ((rgb[at] ?? 255) < 128) inked++;
  return inked;
}

export interface ScriptGlyphs {
  /** Dark pixels drawn for 永, 愛 and 한: a real glyph has hundreds. */
  inked: [number, number, number];
  /** Whether 永 and 愛 differ: without a CJK font both are the same empty box. */
  cjkGlyphsDiffer: boolean;
  /** Coloured pixels of the emoji (hundreds in colour), and of 永 (none: text is black). */
  emojiColoured: number;
  textColoured: number;
}

export async function scriptGlyphsOf(image: Uint8Array): Promise<ScriptGlyphs> {
  const [eternal, love, hangul, emoji] = (await Promise.all(
    [0, 100, 200, 300].map((left) => box(image, left)),
  )) as [Buffer, Buffer, Buffer, Buffer];
  return {
    inked: [inkedPixels(eternal), inkedPixels(love), inkedPixels(hangul)],
    cjkGlyphsDiffer: !eternal.equals(love),
    emojiColoured: colouredPixels(emoji),
    textColoured: colouredPixels(eternal),
  };
}
