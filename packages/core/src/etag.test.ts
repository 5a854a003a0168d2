import { describe, expect, it } from "vitest";
import { etagFor, ifNoneMatchMatches, notModified } from "./etag";

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

describe("notModified", () => {
  const at = Date.UTC(2026, 10, 26, 5, 0, 0, 700);
  const tag = '"t"';
  const when = (ifNoneMatch: string | null, ifModifiedSince: string | null) =>
    notModified({ ifNoneMatch, ifModifiedSince }, tag, at);

  it("uses If-Modified-Since, at whole seconds, when there is no If-None-Match", () => {
    expect(when(null, new Date(at).toUTCString())).toBe(true);
    expect(when(null, new Date(at + 60_000).toUTCString())).toBe(true);
    expect(when(null, new Date(at - 1_000).toUTCString())).toBe(false);
    expect(when(null, "not a date")).toBe(false);
    expect(when(null, null)).toBe(false);
  });

  it("lets If-None-Match decide when both are sent", () => {
    expect(when('"other"', new Date(at + 60_000).toUTCString())).toBe(false);
    expect(when(tag, new Date(at - 60_000).toUTCString())).toBe(true);
  });
});
