/**
 * @module What a comparison leaves out, as a capture's options say it: the regions it names, and
 * the boxes its selectors had in the two images compared. The ratios a variant keeps are told
 * apart by the signature of the options' masks: callers who mask differently share the image, not
 * its measure.
 */
import { shortHash } from "./hash";
import type { CaptureOptions } from "./options";
import type { Region } from "./versions";

type MaskOptions = Pick<CaptureOptions, "ignoreSelectors" | "ignoreRegions" | "scale">;

/** The signature of the options' masks: "" for none, else a short hash of them, in any order. */
export function maskSignature(options: MaskOptions): string {
  // Most captures mask nothing: they are answered without building anything.
  if (!options.ignoreSelectors?.length && !options.ignoreRegions?.length) return "";
  const selectors = [...new Set(options.ignoreSelectors ?? [])].sort();
  const regions = (options.ignoreRegions ?? [])
    .map(({ x, y, width, height }) => `${x},${y},${width},${height}`)
    .sort();
  return shortHash(JSON.stringify([selectors, regions]), 12);
}

/**
 * The masks of a comparison in image pixels: the options' regions (CSS pixels, times the scale),
 * and where their selectors' elements were in either image (an element that moved is left out at
 * both places).
 */
export function masksOf(
  options: MaskOptions,
  ...boxesOfImages: Record<string, Region[]>[]
): Region[] {
  const regions = (options.ignoreRegions ?? []).map(({ x, y, width, height }) => ({
    x: x * options.scale,
    y: y * options.scale,
    width: width * options.scale,
    height: height * options.scale,
  }));
  const boxes = (options.ignoreSelectors ?? []).flatMap((selector) =>
    boxesOfImages.flatMap((boxesOf) => boxesOf[selector] ?? []),
  );
  return [...regions, ...boxes];
}
