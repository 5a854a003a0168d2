/**
 * @module How the page sees its visitor: the time zone its clocks show, the language it is asked
 * in, and where the visitor stands. Each is written in one canonical form, so that two spellings
 * of the same setting are one image and one cache key.
 */
import { z } from "zod";

/** An IANA time zone (`Asia/Tokyo`), as ICU spells it (`asia/tokyo` is the same zone). */
export const timezoneSchema = z
  .string()
  .min(1)
  .max(64)
  .transform((name, context) => {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      context.addIssue({
        code: "custom",
        message: "is not a known IANA time zone (such as Europe/Berlin)",
      });
      return z.NEVER;
    }
  });

/** A BCP 47 language tag (`de-DE`), in its canonical case (`de-de` is the same language). */
export const localeSchema = z
  .string()
  .min(2)
  .max(35)
  .transform((tag, context) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      // reported below
    }
    context.addIssue({ code: "custom", message: "is not a BCP 47 language tag (such as de-DE)" });
    return z.NEVER;
  });

const geolocationObject = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  /** In metres. @default 0 */
  accuracy: z.number().min(0).max(100_000).optional(),
});

const DECIMAL = String.raw`-?\d{1,3}(\.\d+)?`;
const GEOLOCATION_TEXT = new RegExp(`^${DECIMAL},${DECIMAL}(,\\d{1,6}(\\.\\d+)?)?$`);

/** Where the page is told the visitor is: `lat,lon` or `lat,lon,accuracy` (REST), or an object. */
export const geolocationSchema = z.union([
  geolocationObject,
  z
    .string()
    .regex(GEOLOCATION_TEXT, "must be lat,lon or lat,lon,accuracy (decimal degrees, metres)")
    .transform((text) => {
      const [latitude, longitude, accuracy] = text.split(",").map(Number);
      return { latitude, longitude, ...(accuracy === undefined ? {} : { accuracy }) };
    })
    .pipe(geolocationObject),
]);

export type Geolocation = z.output<typeof geolocationSchema>;
