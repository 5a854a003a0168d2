import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFileETagCache } from "./file-etag-cache";

const folders: string[] = [];
function folder() {
  const made = mkdtempSync(join(tmpdir(), "shotcache-etag-"));
  folders.push(made);
  return made;
}
afterEach(() => {
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});

describe("createFileETagCache", () => {
  it("keeps responses across instances, one file per URL", () => {
    const directory = folder();
    createFileETagCache(directory).set("https://s.test/a", {
      etag: '"1"',
      contentType: "image/png",
      body: "AAEC",
    });
    createFileETagCache(directory).set("https://s.test/b", {
      etag: '"2"',
      contentType: "image/webp",
      body: "AQID",
    });
    const reopened = createFileETagCache(directory);
    expect(reopened.get("https://s.test/a")).toEqual({
      etag: '"1"',
      contentType: "image/png",
      body: "AAEC",
    });
    expect(reopened.get("https://s.test/b")).toEqual({
      etag: '"2"',
      contentType: "image/webp",
      body: "AQID",
    });
    expect(reopened.get("https://s.test/c")).toBeUndefined();
    expect(readdirSync(directory).filter((name) => name.endsWith(".json"))).toHaveLength(2);
  });

  it("treats an unreadable file as a miss rather than failing the request", () => {
    const directory = folder();
    const cache = createFileETagCache(directory);
    cache.set("https://s.test/a", { etag: '"1"', contentType: "image/png", body: "AAEC" });
    for (const name of readdirSync(directory)) writeFileSync(join(directory, name), "{not json");
    expect(cache.get("https://s.test/a")).toBeUndefined();
    cache.set("https://s.test/a", { etag: '"2"', contentType: "image/png", body: "AAEC" });
    expect(cache.get("https://s.test/a")?.etag).toBe('"2"');
  });
});
