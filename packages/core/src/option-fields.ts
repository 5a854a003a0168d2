/** @module Schemas of single option fields that several groups of options share. */
import { z } from "zod";

/** A CSS selector as an option: bounded, on one line. */
export const cssSelector = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\n\r{}]*$/, "must be a CSS selector");

/**
 * A rectangle in CSS pixels, as an object or as `x,y,width,height` text (a query parameter), each
 * side within `maxWidth` × `maxHeight`.
 */
export function rectangleSchema(maxWidth: number, maxHeight: number) {
  const rectangle = z.strictObject({
    x: z.int().min(0).max(maxWidth),
    y: z.int().min(0).max(maxHeight),
    width: z.int().min(1).max(maxWidth),
    height: z.int().min(1).max(maxHeight),
  });
  const digits = String(Math.max(maxWidth, maxHeight)).length;
  const number = `\\d{1,${digits}}`;
  return z.union([
    rectangle,
    z
      .string()
      .regex(
        new RegExp(`^${number},${number},${number},${number}$`),
        "must be x,y,width,height in CSS pixels",
      )
      .transform((text) => {
        const [x, y, width, height] = text.split(",").map(Number);
        return { x, y, width, height };
      })
      .pipe(rectangle),
  ]);
}

/** A region of the viewport: `x,y,width,height` in CSS pixels. */
export const clipSchema = rectangleSchema(3840, 4320);
