import { createHash } from "node:crypto";
import {
  CAPTURE_FORMATS,
  contentTypeOf,
  extensionOf,
  isStoredObject,
  type StoredObject,
} from "@shotcache/core";

/**
 * The object key of an image: its content's SHA-256, so an image rendered for several variants,
 * URLs or versions is kept once; the extension only helps a person browsing the bucket.
 */
export function objectKeyFor(prefix: string, bytes: Uint8Array, contentType: string): string {
  const hash = createHash("sha256").update(bytes).digest("hex");
  const format = CAPTURE_FORMATS.find((each) => contentTypeOf(each) === contentType);
  return `${prefix}${hash}${format ? `.${extensionOf(format)}` : ""}`;
}

/**
 * A version's image is kept by the store as opaque bytes: where it is in the bucket, the store
 * keeps this reference instead. It starts with a NUL byte, which no image format (PNG, JPEG,
 * WebP, PDF) or JSON document of ours starts with.
 */
const REFERENCE_MAGIC = Buffer.from("\0shotcache-object:1\n");

export function encodeObjectReference(object: StoredObject): Uint8Array {
  return Buffer.concat([REFERENCE_MAGIC, Buffer.from(JSON.stringify(object))]);
}

/** The object a reference names, or undefined when `bytes` are an image itself. */
export function decodeObjectReference(bytes: Uint8Array): StoredObject | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.subarray(0, REFERENCE_MAGIC.length).equals(REFERENCE_MAGIC)) return undefined;
  try {
    const object = JSON.parse(buffer.subarray(REFERENCE_MAGIC.length).toString("utf8"));
    return isStoredObject(object) ? object : undefined;
  } catch {
    return undefined;
  }
}
