/**
 * The server's origin as a caller (or a CDN in front) reached it: the `Host` it asked for, and
 * the scheme a proxy says it came by (`X-Forwarded-Proto`), for URLs the server hands out or
 * purges by. Both are the caller's word: they only ever name URLs for that same caller.
 */
export function publicOriginOf(request: { header(name: string): string | null }): string {
  const scheme = request.header("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = request.header("host") ?? "localhost";
  return `${scheme === "https" ? "https" : "http"}://${host}`;
}
