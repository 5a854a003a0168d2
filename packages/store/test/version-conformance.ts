import {
  type CacheStore,
  HISTORY_KEEP_SECONDS,
  MAX_MASK_SIGNATURES,
  type NewVersion,
} from "@shotcache/core";
import { expect, it } from "vitest";
import { ids } from "./ids";

/** The store under test, as store-conformance.ts opens it. */
type Open = (options: { maxEntryBytes?: number }) => Promise<{
  store: CacheStore;
  keys?: () => Promise<string[]>;
  ttl?: (key: string) => Promise<number>;
  /** Deletes a backend key, as an eviction would. */
  drop?: (key: string) => Promise<void>;
}>;

let renders = 0;
/** A render of image `name` (its bytes and ETag follow from the name), captured now. */
function versionOf(name: string, size = 64): NewVersion {
  const bytes = Uint8Array.from({ length: size }, (_, index) => (name.charCodeAt(0) + index) % 256);
  return {
    bytes,
    etag: `"${name}-${size}"`,
    contentType: "image/png",
    capturedAt: Date.now() * 1000 + ++renders, // distinct, as renders of one variant are
  };
}

/** What every store keeps of a variant's versions (core's versions.ts), and revises of renders. */
export function itKeepsVersions(open: Open): void {
  it("keeps the newest versions, newest first, each image as it was given", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(2);
    const [key = "", other = ""] = keys;
    const [a, b, c, d] = ["a", "b", "c", "d"].map((name) => versionOf(name)) as NewVersion[];
    for (const version of [a, b, c]) await store.addVersion(key, urlKey, version as NewVersion, 2);
    const kept = await store.addVersion(key, urlKey, d as NewVersion, 2);
    expect(kept.map(({ etag }) => etag)).toEqual([d?.etag, c?.etag]);
    expect(await store.listVersions(key, urlKey)).toEqual(kept);
    expect(kept[0]).toEqual({
      etag: d?.etag,
      contentType: "image/png",
      capturedAt: d?.capturedAt,
      boxes: {},
      changeRatios: {},
    });
    expect(await store.readVersionImage(key, urlKey, d?.etag ?? "")).toEqual(d?.bytes);
    // The dropped versions' images go with them.
    expect(await store.readVersionImage(key, urlKey, a?.etag ?? "")).toBeUndefined();
    expect(await store.listVersions(other, urlKey)).toEqual([]);
  });

  it("takes a render of the newest image for no new version, and keeps a returning image", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    const a = versionOf("a");
    await store.addVersion(key, urlKey, a, 3);
    const again = await store.addVersion(key, urlKey, { ...versionOf("a"), capturedAt: 1 }, 3);
    expect(again.map(({ capturedAt }) => capturedAt)).toEqual([a.capturedAt]);
    // a, b, a: the oldest a goes, and its image stays, for the newest shows it.
    await store.addVersion(key, urlKey, versionOf("b"), 2);
    const returned = versionOf("a");
    await store.addVersion(key, urlKey, returned, 2);
    expect((await store.listVersions(key, urlKey)).map(({ etag }) => etag)).toEqual([
      a.etag,
      versionOf("b").etag,
    ]);
    expect(await store.readVersionImage(key, urlKey, a.etag)).toEqual(a.bytes);
  });

  it("notes change ratios per mask signature, and the boxes of ignored selectors", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    const boxes = { "#clock": [{ x: 10, y: 20, width: 30, height: 40 }] };
    const first = versionOf("a");
    await store.addVersion(key, urlKey, first, 2);
    const second = { ...versionOf("b"), boxes };
    await store.addVersion(key, urlKey, second, 2);
    const { capturedAt } = second;
    await store.noteChangeRatio(key, urlKey, { capturedAt, signature: "", ratio: 0.25 });
    await store.noteChangeRatio(key, urlKey, { capturedAt, signature: "m1", ratio: 0 });
    // A version that is gone takes no ratio.
    await store.noteChangeRatio(key, urlKey, { capturedAt: 7, signature: "", ratio: 1 });
    const [newest, oldest] = await store.listVersions(key, urlKey);
    expect(newest).toMatchObject({ boxes, changeRatios: { "": 0.25, m1: 0 } });
    // Ever new masks cannot grow a version: it keeps the ratios of a few signatures.
    for (let index = 0; index < MAX_MASK_SIGNATURES + 3; index++) {
      await store.noteChangeRatio(key, urlKey, { capturedAt, signature: `s${index}`, ratio: 0.5 });
    }
    const capped = (await store.listVersions(key, urlKey))[0]?.changeRatios ?? {};
    expect(Object.keys(capped)).toHaveLength(MAX_MASK_SIGNATURES);
    expect(capped[`s${MAX_MASK_SIGNATURES + 2}`]).toBe(0.5);
    expect(oldest).toMatchObject({ boxes: {}, changeRatios: {} });
    // Dropped versions take their ratios and boxes along.
    await store.addVersion(key, urlKey, versionOf("c"), 1);
    await store.addVersion(key, urlKey, second, 2);
    expect((await store.listVersions(key, urlKey))[0]).toMatchObject({
      boxes,
      changeRatios: {},
    });
  });

  it("keeps no image larger than it accepts, and keeps history through a purge", async () => {
    const { store } = await open({ maxEntryBytes: 100 });
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    expect(await store.addVersion(key, urlKey, versionOf("big", 101), 5)).toEqual([]);
    const small = versionOf("small", 100);
    await store.addVersion(key, urlKey, small, 5);
    await store.purgeUrl(urlKey, Date.now());
    expect((await store.listVersions(key, urlKey)).map(({ etag }) => etag)).toEqual([small.etag]);
    expect(await store.readVersionImage(key, urlKey, small.etag)).toEqual(small.bytes);
  });

  it("stores the newest image again when a render of it finds it gone", async () => {
    const { store, keys: backendKeys, drop } = await open({});
    if (!backendKeys || !drop) return; // the memory store lists no version whose image is gone
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    const version = versionOf("a");
    await store.addVersion(key, urlKey, version, 2);
    const [image = ""] = (await backendKeys()).filter((name) => name.includes(":version-image:"));
    await drop(image);
    expect(await store.readVersionImage(key, urlKey, version.etag)).toBeUndefined();
    await store.addVersion(key, urlKey, { ...version, capturedAt: version.capturedAt + 1 }, 2);
    expect(await store.readVersionImage(key, urlKey, version.etag)).toEqual(version.bytes);
  });

  it("counts a render revised as no change as none, in the variant's and the URL's histories", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    const url = "https://site.test/revised";
    await store.noteRender(key, urlKey, { url, etag: '"a"', at: 1_000 });
    const changed = await store.noteRender(key, urlKey, { url, etag: '"b"', at: 2_000 });
    expect(changed.urlIntervals[0]?.changed).toBe(true);
    expect(await store.reviseRender(key, urlKey, 2_000)).toBe(1_000);
    // Once only: it is no change now.
    expect(await store.reviseRender(key, urlKey, 2_000)).toBeUndefined();
    expect(await store.reviseRender(key, urlKey, 9_000)).toBeUndefined();
    const next = await store.noteRender(key, urlKey, { url, etag: '"b"', at: 3_000 });
    expect(next.variant.map(({ changedAt }) => changedAt)).toEqual([1_000, 1_000, 1_000]);
    expect(next.urlIntervals.map(({ changed }) => changed)).toEqual([false, false]);
  });

  it("counts versions' images in the stored bytes, but not as entries", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    const storage = async () => (await store.readStats({ now: Date.now(), hours: 1 })).storage;
    await store.addVersion(key, urlKey, versionOf("a", 100), 1);
    expect(await storage()).toEqual({ entries: 0, bytes: 100 });
    await store.addVersion(key, urlKey, versionOf("b", 300), 1);
    expect(await storage()).toEqual({ entries: 0, bytes: 300 });
  });

  it("notes change ratios on an entry that still shows the image measured, its TTL kept", async () => {
    const { store, ttl, keys: backendKeys } = await open({});
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    const at = Date.now();
    const shot = {
      bytes: new Uint8Array([1, 2, 3]),
      contentType: "image/png",
      etag: '"one"',
      capturedAt: at,
      changedAt: at,
      expiresAt: at + 60_000,
      renderMs: 5,
    };
    await store.set(key, urlKey, shot, 60);
    await store.noteEntryChange(key, urlKey, { etag: '"one"', signature: "", ratio: 0.5 });
    await store.noteEntryChange(key, urlKey, { etag: '"one"', signature: "m", ratio: 0 });
    await store.noteEntryChange(key, urlKey, { etag: '"other"', signature: "", ratio: 1 });
    expect(await store.get(key, urlKey)).toEqual({ ...shot, changeRatios: { "": 0.5, m: 0 } });
    if (ttl && backendKeys) {
      const [entryKey = ""] = (await backendKeys()).filter((name) => name.endsWith(key));
      expect(await ttl(entryKey)).toBeGreaterThan(50);
    }
  });

  it("keeps a history for as long as core says, from its latest version", async () => {
    const { store, keys: backendKeys, ttl } = await open({});
    if (!backendKeys || !ttl) return; // the memory store's expiry is lru-cache's, tested there
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    await store.addVersion(key, urlKey, { ...versionOf("a"), boxes: { p: [] } }, 2);
    await store.addVersion(key, urlKey, versionOf("b"), 2);
    await store.noteChangeRatio(key, urlKey, {
      capturedAt: (await store.listVersions(key, urlKey))[0]?.capturedAt ?? 0,
      signature: "",
      ratio: 1,
    });
    const ofHistory = (await backendKeys()).filter((name) => name.includes(urlKey));
    expect(ofHistory.length).toBeGreaterThanOrEqual(4);
    for (const name of ofHistory) {
      const left = await ttl(name);
      expect(left, name).toBeGreaterThan(HISTORY_KEEP_SECONDS - 60);
      expect(left, name).toBeLessThanOrEqual(HISTORY_KEEP_SECONDS);
    }
  });
}
