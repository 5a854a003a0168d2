/** @module `headers`: extra request headers for the page itself, bounded and in one order. */
import { z } from "zod";

/** Extra request headers for the target's main document: names and values bounded. */
const MAX_HEADERS = 10;
const MAX_HEADER_BYTES = 4096;
/** Headers the browser or the connection own: a caller may not set them. */
const RESERVED_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
]);
const headerRecord = z
  .record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, "must be a header name"),
    z
      .string()
      .max(1024)
      .regex(/^[^\r\n]*$/, "may not span lines"),
  )
  .refine((headers) => Object.keys(headers).length <= MAX_HEADERS, `at most ${MAX_HEADERS} headers`)
  .refine(
    (headers) =>
      Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0) <=
      MAX_HEADER_BYTES,
    `at most ${MAX_HEADER_BYTES} characters in all`,
  )
  .refine(
    (headers) => Object.keys(headers).every((name) => !RESERVED_HEADERS.has(name.toLowerCase())),
    `may not set ${[...RESERVED_HEADERS].join(", ")}`,
  );
/** `Name: value` lines (REST: one `headers` parameter each), or a record (JSON, tRPC). */
export const headersSchema = z.union([
  headerRecord,
  z
    .union([z.string(), z.array(z.string()).max(MAX_HEADERS)])
    .transform((lines, context) => {
      const entries: [string, string][] = [];
      for (const [index, line] of (Array.isArray(lines) ? lines : [lines]).entries()) {
        const colon = line.indexOf(":");
        const name = colon < 0 ? "" : line.slice(0, colon).trim();
        if (!name) {
          context.addIssue({ code: "custom", message: "must be `Name: value`", path: [index] });
          return z.NEVER;
        }
        entries.push([name, line.slice(colon + 1).trim()]);
      }
      return Object.fromEntries(entries);
    })
    .pipe(headerRecord),
]);

/** Header names in lower case and in order: the same headers, the same image and key. */
export function sortedHeaders(headers: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.sort(([a = ""], [b = ""]) => a.localeCompare(b)));
}
