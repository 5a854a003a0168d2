import type { CaptureInput } from "@shotcache/sdk";
import type { Command } from "commander";

/** Each capture option as a flag: kebab-case flag → the option's name and how it is read. */
const FLAGS: [flag: string, description: string, option: keyof CaptureInput, kind: Kind][] = [
  ["--width <px>", "viewport width (default 1280)", "width", "number"],
  ["--height <px>", "viewport height (default 720)", "height", "number"],
  ["--scale <factor>", "device scale factor (default 1)", "scale", "number"],
  ["--full-page", "the whole scrollable page", "fullPage", "boolean"],
  ["--device <name>", "emulate a device by name (GET /api/v1/devices)", "device", "string"],
  ["--format <format>", "png, jpeg, webp, avif or pdf (default png)", "format", "string"],
  ["--paper-size <size>", "pdf paper: a4, letter, legal, tabloid, a3, a5", "paperSize", "string"],
  ["--clip <x,y,w,h>", "only this region of the viewport, in CSS pixels", "clip", "string"],
  ["--quality <1-100>", "jpeg, webp and avif quality (default 80)", "quality", "number"],
  ["--image-width <px>", "resize the image to this width (a thumbnail)", "imageWidth", "number"],
  ["--image-height <px>", "resize the image to this height", "imageHeight", "number"],
  [
    "--omit-background",
    "transparent where the page has no background",
    "omitBackground",
    "boolean",
  ],
  [
    "--wait-until <event>",
    "load, domcontentloaded, networkidle0, networkidle2",
    "waitUntil",
    "string",
  ],
  ["--delay <ms>", "extra wait after loading", "delay", "number"],
  ["--selector <css>", "capture only this element", "selector", "string"],
  ["--wait-for-selector <css>", "wait for this element", "waitForSelector", "string"],
  ["--click <css>", "click this element before the shot", "click", "string"],
  ["--hover <css>", "hover over this element before the shot", "hover", "string"],
  [
    "--block-resources <types...>",
    "image, font, media, stylesheet, script",
    "blockResources",
    "list",
  ],
  [
    "--block-cookie-banners",
    "answer consent banners with reject, else hide them",
    "blockCookieBanners",
    "boolean",
  ],
  ["--block-ads", "block ad and tracker requests, hide ad slots", "blockAds", "boolean"],
  ["--dark-mode", "prefers-color-scheme: dark", "darkMode", "boolean"],
  ["--media-type <type>", "screen or print (default screen)", "mediaType", "string"],
  ["--reduced-motion", "prefers-reduced-motion: reduce", "reducedMotion", "boolean"],
  ["--hide <css...>", "elements to hide", "hideSelectors", "list"],
  ["--css <css>", "CSS added to the page", "css", "string"],
  ["--js <code>", "JavaScript run in the page (never cached)", "js", "string"],
  ["--user-agent <ua>", "the browser's User-Agent", "userAgent", "string"],
  ["--header <line...>", "a header for the page itself, 'Name: value'", "headers", "list"],
  ["--cookie <name=value...>", "a cookie of the page's own site", "cookies", "list"],
  ["--timezone <iana>", "the page's time zone, e.g. Asia/Tokyo", "timezone", "string"],
  ["--locale <tag>", "the visitor's language, e.g. de-DE", "locale", "string"],
  [
    "--geolocation <lat,lon[,acc]>",
    "where the visitor is: degrees, and accuracy in metres",
    "geolocation",
    "string",
  ],
  ["--timeout <ms>", "longest render", "timeout", "number"],
  ["--ttl <seconds>", "how long the server keeps the image", "ttl", "number"],
  ["--no-store", "neither read nor write the server's cache (noCache)", "noCache", "negated"],
  ["--refresh", "render now, replacing the server's copy", "refresh", "boolean"],
  [
    "--stale-while-revalidate <s>",
    "serve an expired image while one render replaces it",
    "staleWhileRevalidate",
    "number",
  ],
  [
    "--stale-if-error <s>",
    "serve an expired image if a new render fails",
    "staleIfError",
    "number",
  ],
  ["--cache-key <name>", "your own variant name", "cacheKey", "string"],
  ["--ignore <css...>", "elements the change measure leaves out", "ignoreSelectors", "list"],
  [
    "--ignore-region <x,y,w,h...>",
    "regions the change measure leaves out, in CSS pixels",
    "ignoreRegions",
    "list",
  ],
  [
    "--change-threshold <0-1>",
    "the share of pixels that must change to count as changed",
    "changeThreshold",
    "number",
  ],
];
type Kind = "number" | "string" | "boolean" | "negated" | "list";

const camel = (flag: string) =>
  (flag.split(" ")[0] ?? "")
    .replace(/^--(no-)?/, "")
    .replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** Adds every capture option to `command`. */
export function withCaptureOptions(command: Command): Command {
  for (const [flag, description] of FLAGS) command.option(flag, description);
  return command;
}

/**
 * The capture input of a URL and the flags given. Values go to the server as typed (a number
 * that is not one is the server's to refuse, with a field error like any other).
 */
export function captureInputOf(
  url: string | undefined,
  flags: Record<string, unknown>,
): CaptureInput {
  const input: Record<string, unknown> = url === undefined ? {} : { url };
  for (const [flag, , option, kind] of FLAGS) {
    const value = flags[camel(flag)];
    if (value === undefined) continue;
    if (kind === "negated") {
      if (value === false) input[option] = true;
    } else if (kind === "number") {
      input[option] = Number.isNaN(Number(value)) ? value : Number(value);
    } else {
      input[option] = value;
    }
  }
  return input as CaptureInput;
}
