import { shortHash } from "./hash";

/** A strong ETag from the image bytes: equal bytes, equal tag, whichever instance rendered them. */
export function etagFor(bytes: Uint8Array): string {
  return `"${shortHash(bytes)}"`;
}

/** Whether an `If-None-Match` header value matches `etag` (weak comparison, as RFC 9110 §13.1.2). */
export function ifNoneMatchMatches(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}
