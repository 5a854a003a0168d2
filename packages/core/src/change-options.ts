/**
 * @module The options of change analysis: what the comparison of an image with the variant's
 * previous version leaves out, and how much change counts. They change nothing in the image, so
 * they are not part of the cache key: callers who mask differently share one render.
 */
import { z } from "zod";
import { cssSelector, rectangleSchema } from "./option-fields";

/** Most selectors, and most regions, one capture may leave out of the comparison. */
export const MAX_IGNORED = 20;

/** Tallest a region may reach: a full page is at most this many CSS pixels tall. */
const MAX_REGION_Y = 65_535;

export const changeAnalysisFields = {
  /**
   * Elements left out of the change measure (CSS selectors), up to 20: their boxes at capture time
   * are masked in the comparison, not hidden from the image.
   */
  ignoreSelectors: z.array(cssSelector).max(MAX_IGNORED).optional(),
  /**
   * Regions left out of the change measure, `x,y,width,height` in CSS pixels of the shot (times
   * `scale` in the image; not resized with `imageWidth`/`imageHeight`), up to 20.
   */
  ignoreRegions: z.array(rectangleSchema(3840, MAX_REGION_Y)).max(MAX_IGNORED).optional(),
  /**
   * The share of compared pixels (0–1) that must change for the image to count as changed
   * (`X-Content-Changed`, watches). @default 0: any pixel beyond the tolerance
   */
  changeThreshold: z.number().min(0).max(1).default(0),
};
