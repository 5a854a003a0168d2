import { z } from "zod";

/** Longest URL we accept; browsers and CDNs start failing well before 8 KB. */
export const MAX_URL_LENGTH = 2048;

export const IMAGE_FORMATS = ["png", "jpeg", "webp", "avif"] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
/** Formats with a quality setting; png is lossless. */
const LOSSY_FORMATS: readonly ImageFormat[] = ["jpeg", "webp", "avif"];
/** Formats that keep an alpha channel, for `omitBackground`. */
const ALPHA_FORMATS: readonly ImageFormat[] = ["png", "webp", "avif"];

/** CSS media types a page may be rendered for. */
export const MEDIA_TYPES = ["screen", "print"] as const;

/** Resource types a capture may leave unloaded (the page itself always loads). */
export const BLOCKABLE_RESOURCES = ["image", "font", "media", "stylesheet", "script"] as const;

export const WAIT_UNTIL_EVENTS = [
  "load",
  "domcontentloaded",
  "networkidle0",
  "networkidle2",
] as const;

/** Longest TTL or stale window a caller may ask for: 30 days. */
export const MAX_TTL_SECONDS = 30 * 24 * 60 * 60;

/** A CSS selector as an option: bounded, on one line. */
const cssSelector = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\n\r{}]*$/, "must be a CSS selector");

/** Quality used for lossy formats when the caller gives none. */
export const DEFAULT_LOSSY_QUALITY = 80;

/**
 * The fields of a capture request, before defaults are resolved.
 * Strict: an unknown field is an error, so a typo never silently renders the default.
 */
export const captureOptionsObjectSchema = z.strictObject({
  /** Page to capture: an absolute http or https URL. */
  url: z
    .url({ protocol: /^https?$/, error: "must be an absolute http or https URL" })
    .max(MAX_URL_LENGTH),
  /** Viewport width in CSS pixels. @default 1280 */
  width: z.int().min(16).max(3840).default(1280),
  /** Viewport height in CSS pixels. @default 720 */
  height: z.int().min(16).max(4320).default(720),
  /** Device scale factor: 2 gives an image twice as wide and tall. @default 1 */
  scale: z.number().min(0.5).max(3).default(1),
  /** Capture the whole scrollable page instead of the viewport. @default false */
  fullPage: z.boolean().default(false),
  /** Image format. @default "png" */
  format: z.enum(IMAGE_FORMATS).default("png"),
  /** Compression quality 1–100, for jpeg, webp and avif only. @default 80 */
  quality: z.int().min(1).max(100).optional(),
  /** Navigation event to wait for before the shot. @default "load" */
  waitUntil: z.enum(WAIT_UNTIL_EVENTS).default("load"),
  /** Extra wait after navigation, in milliseconds. @default 0 */
  delay: z.int().min(0).max(10_000).default(0),
  /** Capture only the first element matching this CSS selector. */
  selector: cssSelector.optional(),
  /** Wait until an element matching this CSS selector exists before the shot. */
  waitForSelector: cssSelector.optional(),
  /** Render with `prefers-color-scheme: dark`. @default false */
  darkMode: z.boolean().default(false),
  /** Render with `prefers-reduced-motion: reduce`, animations and transitions stopped. @default false */
  reducedMotion: z.boolean().default(false),
  /** Elements to hide (CSS selectors), up to 20. */
  hideSelectors: z.array(cssSelector).max(20).optional(),
  /** CSS added to the page before the shot, up to 10 000 characters. */
  css: z.string().min(1).max(10_000).optional(),
  /** JavaScript run in the page before the shot, up to 10 000 characters. Never cached. */
  js: z.string().min(1).max(10_000).optional(),
  /** The browser's User-Agent for this capture. */
  userAgent: z.string().min(1).max(512).optional(),
  /** A transparent background where the page has none (png, webp and avif). @default false */
  omitBackground: z.boolean().default(false),
  /** The CSS media type the page is rendered for: `print` applies its print styles. @default "screen" */
  mediaType: z.enum(MEDIA_TYPES).default("screen"),
  /** Click the first element matching this CSS selector before the shot. */
  click: cssSelector.optional(),
  /** Hover over the first element matching this CSS selector before the shot. */
  hover: cssSelector.optional(),
  /** Resource types not to load, each once. */
  blockResources: z
    .array(z.enum(BLOCKABLE_RESOURCES))
    .max(BLOCKABLE_RESOURCES.length)
    .refine((types) => new Set(types).size === types.length, "each type once")
    .optional(),
  /**
   * Resize the image to this width in pixels (a thumbnail); with `imageHeight` too, the image is
   * cropped to fill both, otherwise the aspect ratio is kept.
   */
  imageWidth: z.int().min(16).max(3840).optional(),
  /** Resize the image to this height in pixels; see `imageWidth`. */
  imageHeight: z.int().min(16).max(4320).optional(),
  /** Longest time for the whole render, in ms; the server may allow less. @default 30000 */
  timeout: z.int().min(1_000).max(120_000).default(30_000),

  // Cache controls: they decide how the cache is used, not what the image looks like.
  /** Seconds the image stays fresh; 0 = do not store. Clamped to the server's maximum. @default by URL */
  ttl: z.int().min(0).max(MAX_TTL_SECONDS).optional(),
  /** Neither read nor write the cache. @default false */
  noCache: z.boolean().default(false),
  /** Render now and replace the cached entry. @default false */
  refresh: z.boolean().default(false),
  /** Seconds after expiry during which the old image is served while one render replaces it. @default 0 */
  staleWhileRevalidate: z.int().min(0).max(MAX_TTL_SECONDS).default(0),
  /** Seconds after expiry during which the old image is served if a new render fails. @default 0 */
  staleIfError: z.int().min(0).max(MAX_TTL_SECONDS).default(0),
  /** The caller's own variant name: captures with different names are cached apart. */
  cacheKey: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, "1 to 64 letters, digits, or . _ : -")
    .optional(),
});

/**
 * Capture options with every default applied, so that two requests meaning the same image
 * produce the same value (and so the same cache key).
 */
export const captureOptionsSchema = captureOptionsObjectSchema
  .refine((options) => options.quality === undefined || LOSSY_FORMATS.includes(options.format), {
    path: ["quality"],
    error: "applies to jpeg, webp and avif only",
  })
  .refine((options) => !options.omitBackground || ALPHA_FORMATS.includes(options.format), {
    path: ["omitBackground"],
    error: "needs a format with transparency: png, webp or avif",
  })
  .transform((options) => ({
    ...options,
    quality: LOSSY_FORMATS.includes(options.format)
      ? (options.quality ?? DEFAULT_LOSSY_QUALITY)
      : undefined,
    // In a fixed order, so the same types in another order are the same image (and key).
    blockResources: options.blockResources?.length
      ? BLOCKABLE_RESOURCES.filter((type) => options.blockResources?.includes(type))
      : undefined,
  }));

/** What a caller sends: every field but `url` may be left out. */
export type CaptureInput = z.input<typeof captureOptionsSchema>;
/** Capture options with defaults resolved. */
export type CaptureOptions = z.output<typeof captureOptionsSchema>;

/**
 * A purge: every variant of `url`, or with `options` only the variant they select (defaults
 * applied, as for a capture).
 */
export const purgeRequestSchema = z
  .strictObject({
    url: captureOptionsObjectSchema.shape.url,
    options: captureOptionsObjectSchema.omit({ url: true }).partial().optional(),
  })
  .transform((input, context) => {
    if (!input.options) return { url: input.url };
    const parsed = captureOptionsSchema.safeParse({ ...input.options, url: input.url });
    if (parsed.success) return { url: input.url, options: parsed.data };
    for (const issue of parsed.error.issues) {
      context.addIssue({ ...issue, path: ["options", ...issue.path] } as z.core.$ZodRawIssue);
    }
    return z.NEVER;
  });
