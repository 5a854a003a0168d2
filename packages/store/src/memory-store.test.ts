import type { StoredShot } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory-store";

function shotOf(size: number, fill = 7): StoredShot {
  return {
    bytes: new Uint8Array(size).fill(fill),
    contentType: "image/png",
    etag: `"tag-${size}-${fill}"`,
    capturedAt: 1_000,
    expiresAt: 61_000,
    renderMs: 120,
  };
}

describe("memory store", () => {
  it("returns exactly the bytes and facts it was given", async () => {
    const store = createMemoryStore();
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    const shot = { ...shotOf(0), bytes };
    await store.set("k1", "u1", shot, 60);
    expect(await store.get("k1")).toEqual(shot);
    expect(await store.get("missing")).toBeUndefined();
  });

  it("drops an entry once its TTL has passed", async () => {
    let clock = 1_000;
    const store = createMemoryStore({ now: () => clock });
    await store.set("k1", "u1", shotOf(10), 60);
    clock = 60_000;
    expect(await store.get("k1")).toBeDefined();
    clock = 61_001;
    expect(await store.get("k1")).toBeUndefined();
  });

  it("purges every variant of a URL and nothing else", async () => {
    const store = createMemoryStore();
    for (const variant of ["a", "b", "c"]) await store.set(`u1:${variant}`, "u1", shotOf(10), 60);
    await store.set("u2:a", "u2", shotOf(10), 60);

    expect(await store.purgeUrl("u1")).toBe(3);
    for (const variant of ["a", "b", "c"]) expect(await store.get(`u1:${variant}`)).toBeUndefined();
    expect(await store.get("u2:a")).toBeDefined();
    expect(await store.purgeUrl("u1")).toBe(0);
  });

  it("stays within its byte cap, evicting the least recently used, and keeps the index exact", async () => {
    const store = createMemoryStore({ maxBytes: 3 * 1_536 });
    await store.set("u1:a", "u1", shotOf(1_000), 60);
    await store.set("u1:b", "u1", shotOf(1_000), 60);
    await store.set("u2:a", "u2", shotOf(1_000), 60);
    await store.get("u1:a"); // now u1:b is the least recently used
    await store.set("u3:a", "u3", shotOf(1_000), 60);

    expect(await store.get("u1:b")).toBeUndefined();
    expect(await store.get("u1:a")).toBeDefined();
    expect(await store.purgeUrl("u1")).toBe(1);
  });

  it("does not keep or index an entry larger than the whole cap", async () => {
    const store = createMemoryStore({ maxBytes: 1_000 });
    await store.set("big", "u1", shotOf(5_000), 60);
    expect(await store.get("big")).toBeUndefined();
    expect(await store.purgeUrl("u1")).toBe(0);
  });

  it("replaces an entry written twice without counting it twice", async () => {
    const store = createMemoryStore();
    await store.set("u1:a", "u1", shotOf(10, 1), 60);
    await store.set("u1:a", "u1", shotOf(10, 2), 60);
    expect((await store.get("u1:a"))?.bytes[0]).toBe(2);
    expect(await store.purgeUrl("u1")).toBe(1);
  });

  it("keeps nothing with a TTL of 0", async () => {
    const store = createMemoryStore();
    await store.set("u1:a", "u1", shotOf(10), 0);
    expect(await store.get("u1:a")).toBeUndefined();
    expect(await store.purgeUrl("u1")).toBe(0);
  });

  it("adds up counters", async () => {
    const store = createMemoryStore();
    await store.incrementCounters({ hits: 2, misses: 1 });
    await store.incrementCounters({ hits: 1, purges: 1 });
    expect(await store.readCounters()).toEqual({
      hits: 3,
      misses: 1,
      coalesced: 0,
      bypasses: 0,
      purges: 1,
    });
  });
});
