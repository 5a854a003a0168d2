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

/**
 * Whether a request is answered by a 304 (RFC 9110 §13.2.2): `If-None-Match` decides when present;
 * otherwise `If-Modified-Since`, compared at HTTP-date precision (whole seconds).
 */
export function notModified(
  headers: { ifNoneMatch: string | null; ifModifiedSince: string | null },
  etag: string,
  modifiedAt: number,
): boolean {
  if (headers.ifNoneMatch) return ifNoneMatchMatches(headers.ifNoneMatch, etag);
  const since = Date.parse(headers.ifModifiedSince ?? "");
  return Number.isFinite(since) && Math.floor(modifiedAt / 1000) * 1000 <= since;
}
