import { describe, expect, it } from "vitest";
import { cacheKeyFor } from "./cache-key";
import { HTML_PAGE_ORIGIN, MAX_HTML_BYTES } from "./html-input";
import { captureOptionsSchema, purgeRequestSchema } from "./options";

const INVOICE = "<!doctype html><h1>Invoice 42</h1>";
const refusedFields = (input: Record<string, unknown>) => {
  const parsed = captureOptionsSchema.safeParse(input);
  return parsed.success ? "accepted" : parsed.error.issues.map((issue) => issue.path.join("."));
};

describe("html instead of a url", () => {
  it("is captured at an address made from its hash: the same markup, one key", () => {
    const options = captureOptionsSchema.parse({ html: INVOICE });
    expect(options.url).toMatch(new RegExp(`^${HTML_PAGE_ORIGIN}/[\\w-]{43}$`));
    expect(captureOptionsSchema.parse({ html: INVOICE }).url).toBe(options.url);
    const other = captureOptionsSchema.parse({ html: `${INVOICE}<p>paid</p>` });
    expect(cacheKeyFor(other).key).not.toBe(cacheKeyFor(options).key);
    const wide = captureOptionsSchema.parse({ html: INVOICE, width: 800 });
    expect(cacheKeyFor(wide).urlKey).toBe(cacheKeyFor(options).urlKey);
    expect(cacheKeyFor(wide).key).not.toBe(cacheKeyFor(options).key);
  });

  it("is purged by its markup, as a url by its address", () => {
    const { url } = captureOptionsSchema.parse({ html: INVOICE });
    expect(purgeRequestSchema.parse({ html: INVOICE })).toEqual({ url });
    const narrow = purgeRequestSchema.parse({ html: INVOICE, options: { width: 800 } });
    expect([narrow.url, narrow.options?.width]).toEqual([url, 800]);
    expect(purgeRequestSchema.safeParse({}).success).toBe(false);
  });

  it.each([
    [{}, ["url"]],
    [{ url: "https://example.com/", html: INVOICE }, ["html"]],
    [{ html: "" }, ["html"]],
    // Another's markup is reached by giving it, never by the address made from it.
    [{ url: `${HTML_PAGE_ORIGIN}/${"a".repeat(43)}` }, ["url"]],
    [{ url: `HTTPS://user@HTML.shotcache.invalid:443/${"a".repeat(43)}` }, ["url"]],
    [{ html: "x".repeat(MAX_HTML_BYTES + 1) }, ["html"]],
    // Counted in bytes: a million three-byte characters is 3 MB.
    [{ html: "永".repeat(1_000_000) }, ["html"]],
  ])("refuses %#, naming the field", (input, fields) => {
    expect(refusedFields(input)).toEqual(fields);
  });
});
