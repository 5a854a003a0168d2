import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ETagCache, isCachedResponse } from "./etag-cache";

/**
 * `@shotcache/sdk/node`: an ETag cache kept in a folder, so revalidation survives restarts. One
 * file per request URL (named by its SHA-256), written atomically. It does not evict: give it a
 * folder your own clean-up manages, or use the default in-memory cache.
 */
export function createFileETagCache(directory: string): ETagCache {
  mkdirSync(directory, { recursive: true });
  const fileOf = (url: string) =>
    join(directory, `${createHash("sha256").update(url).digest("hex")}.json`);
  return {
    get(url) {
      try {
        const held: unknown = JSON.parse(readFileSync(fileOf(url), "utf8"));
        return isCachedResponse(held) ? held : undefined;
      } catch {
        return undefined; // absent or unreadable: fetched again
      }
    },
    set(url, response) {
      const file = fileOf(url);
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(response));
      renameSync(partial, file);
    },
  };
}
