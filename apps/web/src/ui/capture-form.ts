import type { CaptureInput } from "@shotcache/sdk";

/** The name of a capture option. */
export type OptionName = Exclude<keyof CaptureInput, "url">;

/** How the playground shows one capture option. */
export interface FieldSpec<Name extends keyof CaptureInput = OptionName> {
  name: Name;
  label: string;
  /**
   * `region`: four numbers (x, y, width, height) sent as `x,y,width,height`; `set`: a checkbox per
   * choice, sent as a list.
   */
  kind: "url" | "number" | "boolean" | "choice" | "text" | "lines" | "code" | "region" | "set";
  hint?: string;
  /** Step of a number field. @default 1 */
  step?: number;
}

/** A field of any capture input, the URL included. */
export type AnyFieldSpec = FieldSpec<keyof CaptureInput>;

/** The page to capture. */
export const URL_FIELD: FieldSpec<"url"> = { name: "url", label: "URL", kind: "url" };

/** The options always in view. */
export const COMMON_FIELDS: FieldSpec[] = [
  { name: "width", label: "Width", kind: "number", hint: "CSS px" },
  { name: "height", label: "Height", kind: "number", hint: "CSS px" },
  { name: "format", label: "Format", kind: "choice" },
  { name: "fullPage", label: "Full page", kind: "boolean" },
  { name: "device", label: "Device", kind: "choice", hint: "its size, scale and browser" },
];

/** Every other option, in groups that open on demand. */
export const FIELD_GROUPS: { title: string; fields: FieldSpec[] }[] = [
  {
    title: "Page as HTML",
    fields: [
      {
        name: "html",
        label: "HTML",
        kind: "code",
        hint: "the page as markup (up to 2 MB), instead of the URL",
      },
    ],
  },
  {
    title: "Image",
    fields: [
      { name: "scale", label: "Scale", kind: "number", step: 0.5, hint: "device pixel ratio" },
      { name: "quality", label: "Quality", kind: "number", hint: "1–100, jpeg, webp and avif" },
      { name: "selector", label: "Element selector", kind: "text", hint: "capture one element" },
      { name: "clip", label: "Clip", kind: "region", hint: "a region of the viewport, CSS px" },
      { name: "paperSize", label: "Paper size", kind: "choice", hint: "pdf only" },
      { name: "imageWidth", label: "Image width", kind: "number", hint: "px: a thumbnail" },
      { name: "imageHeight", label: "Image height", kind: "number", hint: "px: a thumbnail" },
      { name: "omitBackground", label: "Transparent background", kind: "boolean" },
    ],
  },
  {
    title: "Page loading",
    fields: [
      { name: "waitUntil", label: "Wait until", kind: "choice" },
      { name: "delay", label: "Delay", kind: "number", hint: "ms after loading" },
      { name: "waitForSelector", label: "Wait for selector", kind: "text" },
      { name: "click", label: "Click", kind: "text", hint: "a CSS selector, before the shot" },
      { name: "hover", label: "Hover", kind: "text", hint: "a CSS selector, before the shot" },
      { name: "blockResources", label: "Block resources", kind: "set" },
      { name: "timeout", label: "Timeout", kind: "number", hint: "ms for the whole render" },
    ],
  },
  {
    title: "Appearance",
    fields: [
      { name: "darkMode", label: "Dark mode", kind: "boolean" },
      { name: "mediaType", label: "Media type", kind: "choice" },
      { name: "blockCookieBanners", label: "Dismiss cookie banners", kind: "boolean" },
      { name: "blockAds", label: "Block ads", kind: "boolean" },
      { name: "reducedMotion", label: "Reduced motion", kind: "boolean" },
      { name: "hideSelectors", label: "Hide selectors", kind: "lines", hint: "one per line" },
      { name: "css", label: "CSS", kind: "code" },
      { name: "js", label: "JavaScript", kind: "code", hint: "never cached" },
      { name: "userAgent", label: "User-Agent", kind: "text" },
      {
        name: "headers",
        label: "Request headers",
        kind: "lines",
        hint: "Name: value, one per line; sent for the page itself",
      },
    ],
  },
  {
    title: "Visitor",
    fields: [
      { name: "timezone", label: "Time zone", kind: "text", hint: "IANA, e.g. Asia/Tokyo" },
      {
        name: "cookies",
        label: "Cookies",
        kind: "lines",
        hint: "name=value, one per line; the page's own site",
      },
      { name: "locale", label: "Language", kind: "text", hint: "BCP 47, e.g. de-DE" },
      {
        name: "geolocation",
        label: "Position",
        kind: "text",
        hint: "lat,lon or lat,lon,accuracy (degrees, metres)",
      },
    ],
  },
  {
    title: "Change",
    fields: [
      {
        name: "ignoreSelectors",
        label: "Leave out elements",
        kind: "lines",
        hint: "CSS selectors, one per line: not compared with the previous version",
      },
      {
        name: "ignoreRegions",
        label: "Leave out regions",
        kind: "lines",
        hint: "x,y,width,height in CSS px, one per line",
      },
      {
        name: "changeThreshold",
        label: "Change threshold",
        kind: "number",
        step: 0.01,
        hint: "0–1: the share of pixels that must change",
      },
    ],
  },
  {
    title: "Cache",
    fields: [
      { name: "ttl", label: "TTL", kind: "number", hint: "seconds; 0 = do not store" },
      { name: "noCache", label: "No cache", kind: "boolean", hint: "neither read nor write" },
      { name: "refresh", label: "Refresh", kind: "boolean", hint: "render now, replace" },
      { name: "staleWhileRevalidate", label: "Stale while revalidate", kind: "number" },
      { name: "staleIfError", label: "Stale if error", kind: "number" },
      { name: "cacheKey", label: "Cache key", kind: "text", hint: "your own variant name" },
    ],
  },
];

export const ALL_FIELDS = [...COMMON_FIELDS, ...FIELD_GROUPS.flatMap((group) => group.fields)];

/** A form value: text as typed (numbers too, so a bad number reaches the server as typed). */
export type FormValues = Record<OptionName, string | boolean> & { url: string };

/** The defaults the server applies, which the form starts from and leaves out of requests. */
export type OptionDefaults = Partial<Record<OptionName, string | number | boolean>>;

export function initialValues(defaults: OptionDefaults): FormValues {
  const values = { url: "" } as FormValues;
  for (const field of ALL_FIELDS) {
    const fallback = defaults[field.name];
    values[field.name] =
      field.kind === "boolean" ? fallback === true : fallback === undefined ? "" : String(fallback);
  }
  return values;
}

/**
 * The capture input the form describes: the URL and every option that differs from the server's
 * default, so the request (and its curl, SDK and signed forms) says only what was chosen.
 */
export function inputFrom(values: FormValues, defaults: OptionDefaults): CaptureInput {
  // Markup stands for the page when no URL is given (the server wants one or the other).
  const url = values.url.trim();
  const input: Record<string, unknown> = url ? { url } : {};
  for (const field of ALL_FIELDS) {
    const value = requestValue(field, values[field.name]);
    const fallback = defaults[field.name] ?? (field.kind === "boolean" ? false : undefined);
    if (value !== undefined && value !== fallback) input[field.name] = value;
  }
  return input as CaptureInput;
}

/** A field's value as the request carries it, or undefined when left empty. */
function requestValue(field: FieldSpec, raw: string | boolean): unknown {
  if (typeof raw === "boolean") return raw;
  // A region left empty is no region; one half filled in goes as it is, for the server to name.
  if (field.kind === "region") return raw.replaceAll(",", "").trim() === "" ? undefined : raw;
  if (field.kind === "lines" || field.kind === "set") {
    const lines = raw
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    return lines.length > 0 ? lines : undefined;
  }
  if (field.kind === "code") return raw === "" ? undefined : raw;
  const text = raw.trim();
  if (text === "") return undefined;
  if (field.kind !== "number") return text;
  // Anything that is not a number is sent as typed: the server names the field in its error.
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

/** The option a field error concerns: `hideSelectors.2` and `options.width` name their field. */
export const fieldOfError = (path: string) => path.replace(/^options\./, "").split(".")[0] ?? "";
