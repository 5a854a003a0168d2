import { describe, expect, it } from "vitest";
import { etagFor, ifNoneMatchMatches } from "./etag";

describe("ETag", () => {
  const bytes = new Uint8Array([137, 80, 78, 71, 0, 255]);

  it("is a strong, quoted tag that depends only on the bytes", () => {
    const tag = etagFor(bytes);
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(etagFor(new Uint8Array(bytes))).toBe(tag);
    expect(etagFor(new Uint8Array([137, 80, 78, 71, 0, 254]))).not.toBe(tag);
  });

  it("matches If-None-Match lists, weak forms and *", () => {
    const tag = etagFor(bytes);
    expect(ifNoneMatchMatches(tag, tag)).toBe(true);
    expect(ifNoneMatchMatches(`"other", ${tag}`, tag)).toBe(true);
    expect(ifNoneMatchMatches(`W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchMatches("*", tag)).toBe(true);
    expect(ifNoneMatchMatches('"other"', tag)).toBe(false);
    expect(ifNoneMatchMatches(null, tag)).toBe(false);
  });
});
