import { z } from "zod";
import { changeAnalysisFields } from "./change-options";
import { canonicalCookies, cookieProblems, cookiesSchema } from "./cookie-options";
import { devicePreset } from "./devices";
import { headersSchema, sortedHeaders } from "./header-options";
import { htmlPageUrl, htmlSchema, isHtmlPageUrl } from "./html-input";
import { clipSchema, cssSelector } from "./option-fields";
import { geolocationSchema, localeSchema, timezoneSchema } from "./visitor-options";

/** Longest URL we accept; browsers and CDNs start failing well before 8 KB. */
export const MAX_URL_LENGTH = 2048;

/**
 * What a capture gives: an image, a PDF, or `metadata`, the page's link-preview facts as JSON
 * (title, description, image, icon…: see GET /api/v1/metadata), cached like any capture.
 */
export const CAPTURE_FORMATS = ["png", "jpeg", "webp", "avif", "pdf", "metadata"] as const;
export type CaptureFormat = (typeof CAPTURE_FORMATS)[number];
/** The file extension of a format, without its dot. */
export const extensionOf = (format: CaptureFormat) =>
  format === "jpeg" ? "jpg" : format === "metadata" ? "json" : format;
/** The content type of a format's bytes. */
export const contentTypeOf = (format: CaptureFormat) =>
  format === "pdf"
    ? "application/pdf"
    : format === "metadata"
      ? "application/json"
      : `image/${format}`;

/** Paper sizes of `format=pdf`. */
export const PAPER_SIZES = ["a4", "letter", "legal", "tabloid", "a3", "a5"] as const;
/** Formats with a quality setting; png (and pdf) have none. */
const LOSSY_FORMATS: readonly CaptureFormat[] = ["jpeg", "webp", "avif"];
/** Formats that keep an alpha channel, for `omitBackground`. */
const ALPHA_FORMATS: readonly CaptureFormat[] = ["png", "webp", "avif"];

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

/** The address of a page to capture: an absolute http or https URL. */
export const pageUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an absolute http or https URL" })
  .max(MAX_URL_LENGTH);

/** Quality used for lossy formats when the caller gives none. */
export const DEFAULT_LOSSY_QUALITY = 80;

/**
 * The fields of a capture request, before defaults are resolved.
 * Strict: an unknown field is an error, so a typo never silently renders the default.
 */
export const captureOptionsObjectSchema = z.strictObject({
  /** Page to capture: an absolute http or https URL; or, instead, its markup as `html`. */
  url: pageUrlSchema.optional(),
  /** The page as markup, up to 2 MB, instead of a `url`: rendered as a page of its own. */
  html: htmlSchema.optional(),
  /** Viewport width in CSS pixels. @default 1280 */
  width: z.int().min(16).max(3840).default(1280),
  /** Viewport height in CSS pixels. @default 720 */
  height: z.int().min(16).max(4320).default(720),
  /** Device scale factor: 2 gives an image twice as wide and tall. @default 1 */
  scale: z.number().min(0.5).max(3).default(1),
  /** Capture the whole scrollable page instead of the viewport. @default false */
  fullPage: z.boolean().default(false),
  /** Image format, or `pdf` (Chromium's print to PDF). @default "png" */
  format: z.enum(CAPTURE_FORMATS).default("png"),
  /** Paper size of a PDF. @default "a4" */
  paperSize: z.enum(PAPER_SIZES).optional(),
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
  /**
   * A device to emulate, by Puppeteer's name (`iPhone X`): its viewport, pixel ratio, mobile,
   * touch and User-Agent; `width`, `height` and `scale` are the device's then.
   */
  device: z
    .string()
    .max(64)
    .refine(
      (name) => devicePreset(name) !== undefined,
      "is not a known device (see GET /api/v1/devices)",
    )
    .optional(),
  /** Capture only this region of the viewport: `x,y,width,height` in CSS pixels. */
  clip: clipSchema.optional(),
  /** The page's time zone, an IANA name (`Asia/Tokyo`): what its `Date` and `Intl` show. */
  timezone: timezoneSchema.optional(),
  /** The visitor's language, a BCP 47 tag (`de-DE`): `navigator.language` and `Accept-Language`. */
  locale: localeSchema.optional(),
  /**
   * Where the visitor is, `lat,lon` or `lat,lon,accuracy` (degrees, metres): the position the page
   * gets when it asks, with the permission granted to the page's own origin only.
   */
  geolocation: geolocationSchema.optional(),
  /**
   * Cookies of the page's own site, up to 20 (`name=value`, or objects with their domain, path…):
   * set before the page loads; keyed by hash only, never logged or shown.
   */
  cookies: cookiesSchema.optional(),
  /** Extra headers sent with the request for the page itself (same origin only), up to 10. */
  headers: headersSchema.optional(),
  /** A transparent background where the page has none (png, webp and avif). @default false */
  omitBackground: z.boolean().default(false),
  /** The CSS media type the page is rendered for: `print` applies its print styles. @default "screen" */
  mediaType: z.enum(MEDIA_TYPES).default("screen"),
  /**
   * Dismiss (answer "reject", else hide) consent banners of the common consent platforms, by the
   * rules of DuckDuckGo's autoconsent, which ship with the server. @default false
   */
  blockCookieBanners: z.boolean().default(false),
  /**
   * Block ad and tracker requests and hide ad slots, by filter rules that ship with the server
   * (and any lists its operator adds). @default false
   */
  blockAds: z.boolean().default(false),
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

  // Change analysis: how this image is compared with the previous version, not how it looks.
  ...changeAnalysisFields,

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
  .superRefine((options, context) => {
    if ((options.url === undefined) !== (options.html === undefined)) return;
    context.addIssue({
      code: "custom",
      path: [options.url === undefined ? "url" : "html"],
      message:
        options.url === undefined
          ? "is required: the page to capture (or its markup, as html)"
          : "one of url and html, not both",
    });
  })
  .refine((options) => options.quality === undefined || LOSSY_FORMATS.includes(options.format), {
    path: ["quality"],
    error: "applies to jpeg, webp and avif only",
  })
  .refine((options) => !options.omitBackground || ALPHA_FORMATS.includes(options.format), {
    path: ["omitBackground"],
    error: "needs a format with transparency: png, webp or avif",
  })
  .refine((options) => options.paperSize === undefined || options.format === "pdf", {
    path: ["paperSize"],
    error: "applies to pdf only",
  })
  .refine(
    (options) =>
      (options.format !== "pdf" && options.format !== "metadata") ||
      [options.selector, options.clip, options.imageWidth, options.imageHeight].every(
        (option) => option === undefined,
      ),
    {
      path: ["format"],
      error: "a pdf or metadata is of the whole page: no selector, clip or image size",
    },
  )
  .refine((options) => !options.clip || !options.selector, {
    path: ["clip"],
    error: "one of clip and selector",
  })
  .superRefine((options, context) => {
    // Refinements run even when a field failed: the URL may be none. Given markup's cookies
    // are checked against the address made from it.
    const pageUrl = options.url ?? (options.html ? htmlPageUrl(options.html) : "");
    for (const problem of cookieProblems(options.cookies ?? [], pageUrl)) {
      context.addIssue({
        code: "custom",
        path: ["cookies", ...problem.path],
        message: problem.message,
      });
    }
    if (options.html === undefined && options.url && isHtmlPageUrl(options.url)) {
      context.addIssue({
        code: "custom",
        path: ["url"],
        message: "is reserved for pages given as html",
      });
    }
    // Within the viewport the shot is taken of (the device's, when one is named).
    const viewport = devicePreset(options.device ?? "") ?? options;
    const { clip } = options;
    if (clip && (clip.x + clip.width > viewport.width || clip.y + clip.height > viewport.height)) {
      context.addIssue({
        code: "custom",
        path: ["clip"],
        message: `must lie within the ${viewport.width}×${viewport.height} viewport`,
      });
    }
  })
  .transform(({ url, ...options }) => {
    // Given markup is captured at an address made from it (see html-input.ts).
    const pageUrl = url ?? htmlPageUrl(options.html ?? "");
    return {
      ...options,
      url: pageUrl,
      ...deviceViewport(options.device),
      headers: options.headers && sortedHeaders(options.headers),
      cookies: options.cookies && canonicalCookies(options.cookies, pageUrl),
      quality: LOSSY_FORMATS.includes(options.format)
        ? (options.quality ?? DEFAULT_LOSSY_QUALITY)
        : undefined,
      // In a fixed order, so the same types in another order are the same image (and key).
      blockResources: options.blockResources?.length
        ? BLOCKABLE_RESOURCES.filter((type) => options.blockResources?.includes(type))
        : undefined,
    };
  });

/** A device's viewport in the options' terms, so the key says what is rendered. */
function deviceViewport(name: string | undefined) {
  const preset = name === undefined ? undefined : devicePreset(name);
  return preset ? { width: preset.width, height: preset.height, scale: preset.scale } : {};
}

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
    url: pageUrlSchema.optional(),
    /** Given markup instead of a URL: its captures are purged by the address made from it. */
    html: htmlSchema.optional(),
    options: captureOptionsObjectSchema.omit({ url: true, html: true }).partial().optional(),
  })
  .transform((input, context) => {
    if ((input.url === undefined) === (input.html === undefined)) {
      context.addIssue({
        code: "custom",
        path: [input.url === undefined ? "url" : "html"],
        message: input.url === undefined ? "is required (or html)" : "one of url and html",
      });
      return z.NEVER;
    }
    const url = input.url ?? htmlPageUrl(input.html ?? "");
    if (!input.options) return { url };
    const page = input.html === undefined ? { url } : { html: input.html };
    const parsed = captureOptionsSchema.safeParse({ ...input.options, ...page });
    if (parsed.success) return { url, options: parsed.data };
    for (const issue of parsed.error.issues) {
      context.addIssue({ ...issue, path: ["options", ...issue.path] } as z.core.$ZodRawIssue);
    }
    return z.NEVER;
  });
