/**
 * @module A request for a page's metadata (GET /api/v1/metadata): a capture with `format`
 * `metadata`, so that it is keyed, cached, revalidated and purged as every capture of the page.
 * It takes what decides how the page loads (cookies, locale, headers, waits…), and nothing that
 * only shapes an image.
 */
import { z } from "zod";
import { captureOptionsObjectSchema, captureOptionsSchema } from "./options";

/** The options a metadata request takes: a capture's, but for what only shapes an image. */
export const metadataOptionsObjectSchema = captureOptionsObjectSchema.omit({
  format: true,
  quality: true,
  paperSize: true,
  fullPage: true,
  selector: true,
  clip: true,
  imageWidth: true,
  imageHeight: true,
  omitBackground: true,
  hideSelectors: true,
  css: true,
});

export const metadataRequestSchema = metadataOptionsObjectSchema.transform((input, context) => {
  const parsed = captureOptionsSchema.safeParse({ ...input, format: "metadata" });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) context.addIssue(issue as z.core.$ZodRawIssue);
  return z.NEVER;
});
