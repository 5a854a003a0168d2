import type { StoredShot } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory-store";

// What only the memory store does; the behaviour all stores share is in stores.integration.test.ts.

function shotOf(size: number): StoredShot {
  return {
    bytes: new Uint8Array(size),
    contentType: "image/png",
    etag: `"tag-${size}"`,
    capturedAt: 1_000,
    changedAt: 1_000,
    expiresAt: 61_000,
    renderMs: 120,
  };
}

describe("memory store", () => {
  it("expires entries by the clock it is given", async () => {
    let clock = 1_000;
    const store = createMemoryStore({ now: () => clock });
    await store.set("k1", "u1", shotOf(10), 60);
    clock = 60_000;
    expect(await store.get("k1", "u1")).toBeDefined();
    clock = 61_001;
    expect(await store.get("k1", "u1")).toBeUndefined();
  });

  it("stays within its byte cap, evicting the least recently used, and keeps the index exact", async () => {
    const store = createMemoryStore({ maxBytes: 3 * 1_536 });
    await store.set("u1:a", "u1", shotOf(1_000), 60);
    await store.set("u1:b", "u1", shotOf(1_000), 60);
    await store.set("u2:a", "u2", shotOf(1_000), 60);
    await store.get("u1:a", "u1"); // now u1:b is the least recently used
    await store.set("u3:a", "u3", shotOf(1_000), 60);

    expect(await store.get("u1:b", "u1")).toBeUndefined();
    expect(await store.get("u1:a", "u1")).toBeDefined();
    expect(await store.purgeUrl("u1", Date.now())).toBe(1);
  });

  it("does not keep or index an entry larger than the whole cap", async () => {
    const store = createMemoryStore({ maxBytes: 1_000 });
    expect(await store.set("big", "u1", shotOf(5_000), 60)).toBe("too-large");
    expect(await store.get("big", "u1")).toBeUndefined();
    expect(await store.purgeUrl("u1", Date.now())).toBe(0);
  });

  it("replaces an entry written twice without indexing it twice", async () => {
    const store = createMemoryStore();
    await store.set("u1:a", "u1", shotOf(10), 60);
    await store.set("u1:a", "u1", shotOf(20), 60);
    expect((await store.get("u1:a", "u1"))?.bytes.length).toBe(20);
    expect(await store.purgeUrl("u1", Date.now())).toBe(1);
  });
});
