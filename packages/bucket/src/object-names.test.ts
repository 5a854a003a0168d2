import { describe, expect, it } from "vitest";
import { parseBucketLocation } from "./object-bucket";
import { decodeObjectReference, encodeObjectReference, objectKeyFor } from "./object-names";

describe("object names", () => {
  it("reads a bucket location, with or without a prefix, and refuses anything else", () => {
    expect(parseBucketLocation("s3://shots")).toEqual({ bucket: "shots", prefix: "" });
    expect(parseBucketLocation("s3://shots/cache/images/")).toEqual({
      bucket: "shots",
      prefix: "cache/images/",
    });
    for (const bad of ["https://shots/x", "s3://", "s3://Shots", "shots/prefix"]) {
      expect(() => parseBucketLocation(bad)).toThrow(/not an S3 location/);
    }
  });

  it("names an image by its content, the same bytes by the same key", () => {
    const bytes = Uint8Array.from([1, 2, 3]);
    const key = objectKeyFor("p/", bytes, "image/png");
    expect(key).toBe("p/039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81.png");
    expect(objectKeyFor("p/", Uint8Array.from([1, 2, 3]), "image/png")).toBe(key);
    expect(objectKeyFor("p/", Uint8Array.from([1, 2, 4]), "image/png")).not.toBe(key);
    expect(objectKeyFor("", bytes, "image/jpeg")).toMatch(/^[0-9a-f]{64}\.jpg$/);
    expect(objectKeyFor("", bytes, "application/json")).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(objectKeyFor("", bytes, "text/plain")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("tells a reference to an object from an image's own bytes", () => {
    const object = { key: "p/abc.png", size: 123_456 };
    expect(decodeObjectReference(encodeObjectReference(object))).toEqual(object);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(decodeObjectReference(png)).toBeUndefined();
    const truncated = encodeObjectReference(object).subarray(0, 25);
    expect(decodeObjectReference(truncated)).toBeUndefined();
  });
});
