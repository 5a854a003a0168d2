import { describe, expect, it } from "vitest";
import { captureOptionsSchema } from "./options";

const parse = (input: unknown) => captureOptionsSchema.safeParse(input);
const fieldsOf = (input: unknown) => {
  const result = parse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
};

describe("capture options", () => {
  it("fills every default", () => {
    expect(captureOptionsSchema.parse({ url: "https://example.com" })).toEqual({
      url: "https://example.com",
      width: 1280,
      height: 720,
      scale: 1,
      fullPage: false,
      format: "png",
      quality: undefined,
      waitUntil: "load",
      delay: 0,
      darkMode: false,
      reducedMotion: false,
      omitBackground: false,
      mediaType: "screen",
      blockCookieBanners: false,
      blockAds: false,
      blockResources: undefined,
      timeout: 30_000,
      changeThreshold: 0,
      noCache: false,
      refresh: false,
      staleWhileRevalidate: 0,
      staleIfError: 0,
    });
  });

  it("gives lossy formats a default quality and keeps a given one", () => {
    expect(captureOptionsSchema.parse({ url: "https://a.test", format: "jpeg" }).quality).toBe(80);
    expect(captureOptionsSchema.parse({ url: "https://a.test", format: "avif" }).quality).toBe(80);
    expect(
      captureOptionsSchema.parse({ url: "https://a.test", format: "webp", quality: 55 }).quality,
    ).toBe(55);
  });

  it.each([
    [{}, "url"],
    [{ url: "ftp://example.com/file" }, "url"],
    [{ url: "javascript:alert(1)" }, "url"],
    [{ url: "not a url" }, "url"],
    [{ url: `https://a.test/${"x".repeat(2100)}` }, "url"],
    [{ url: "https://a.test", width: 0 }, "width"],
    [{ url: "https://a.test", width: 100.5 }, "width"],
    [{ url: "https://a.test", height: 5000 }, "height"],
    [{ url: "https://a.test", height: "720" }, "height"],
    [{ url: "https://a.test", scale: 4 }, "scale"],
    [{ url: "https://a.test", format: "gif" }, "format"],
    [{ url: "https://a.test", quality: 50 }, "quality"],
    [{ url: "https://a.test", format: "jpeg", quality: 0 }, "quality"],
    [{ url: "https://a.test", waitUntil: "never" }, "waitUntil"],
    [{ url: "https://a.test", delay: -1 }, "delay"],
    [{ url: "https://a.test", ttl: -5 }, "ttl"],
    [{ url: "https://a.test", noCache: "yes" }, "noCache"],
    [{ url: "https://a.test", staleWhileRevalidate: 1.5 }, "staleWhileRevalidate"],
    [{ url: "https://a.test", cacheKey: "has space" }, "cacheKey"],
    [{ url: "https://a.test", cacheKey: "x".repeat(65) }, "cacheKey"],
    [{ url: "https://a.test", selector: "" }, "selector"],
    [{ url: "https://a.test", selector: "a { color: red }" }, "selector"],
    [{ url: "https://a.test", waitForSelector: "x".repeat(257) }, "waitForSelector"],
    [{ url: "https://a.test", hideSelectors: Array(21).fill(".ad") }, "hideSelectors"],
    [{ url: "https://a.test", css: "x".repeat(10_001) }, "css"],
    [{ url: "https://a.test", js: "" }, "js"],
    [{ url: "https://a.test", userAgent: "u".repeat(513) }, "userAgent"],
    [{ url: "https://a.test", timeout: 500 }, "timeout"],
    [{ url: "https://a.test", darkMode: "dark" }, "darkMode"],
    [{ url: "https://a.test", format: "jpeg", omitBackground: true }, "omitBackground"],
    [{ url: "https://a.test", mediaType: "tv" }, "mediaType"],
    [{ url: "https://a.test", click: "" }, "click"],
    [{ url: "https://a.test", hover: "a { }" }, "hover"],
    [{ url: "https://a.test", blockResources: ["document"] }, "blockResources.0"],
    [{ url: "https://a.test", blockResources: ["image", "image"] }, "blockResources"],
    [{ url: "https://a.test", imageWidth: 8 }, "imageWidth"],
    [{ url: "https://a.test", imageHeight: 5000 }, "imageHeight"],
    [{ url: "https://a.test", device: "Nokia 3310" }, "device"],
    [{ url: "https://a.test", clip: "10,10,50" }, "clip"],
    [{ url: "https://a.test", clip: "1270,0,20,20" }, "clip"],
    [{ url: "https://a.test", device: "iPhone X", clip: "0,0,400,100" }, "clip"],
    [{ url: "https://a.test", clip: "0,0,10,10", selector: "#a" }, "clip"],
    [{ url: "https://a.test", headers: { Host: "evil.test" } }, "headers"],
    [{ url: "https://a.test", headers: ["X-Ok: 1", "Bad Name: 2"] }, "headers"],
    [{ url: "https://a.test", headers: { "x-long": "v".repeat(1025) } }, "headers.x-long"],
    [{ url: "https://a.test", format: "pdf", selector: "#a" }, "format"],
    [{ url: "https://a.test", paperSize: "a4" }, "paperSize"],
  ])("refuses %j, naming %s", (input, field) => {
    expect(fieldsOf(input)).toContain(field);
  });

  it("takes a device's viewport and scale, a clip as text or object, headers as lines or a record", () => {
    const phone = captureOptionsSchema.parse({ url: "https://a.test", device: "iPhone X" });
    expect(phone).toMatchObject({ width: 375, height: 812, scale: 3 });
    const text = captureOptionsSchema.parse({ url: "https://a.test", clip: "10,10,50,40" });
    expect(text.clip).toEqual({ x: 10, y: 10, width: 50, height: 40 });
    const lines = captureOptionsSchema.parse({
      url: "https://a.test",
      headers: ["X-Tenant: acme", "Accept-Language:  de-CH"],
    });
    const record = captureOptionsSchema.parse({
      url: "https://a.test",
      headers: { "accept-language": "de-CH", "X-Tenant": "acme" },
    });
    expect(lines.headers).toEqual({ "accept-language": "de-CH", "x-tenant": "acme" });
    expect(record.headers).toEqual(lines.headers);
    expect(Object.keys(lines.headers ?? {})).toEqual(["accept-language", "x-tenant"]);
  });

  it("refuses unknown options instead of ignoring them", () => {
    const result = parse({ url: "https://a.test", widht: 800 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["widht"] });
  });
});
