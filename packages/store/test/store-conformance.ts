import {
  type CacheStore,
  createStatsBuffer,
  HISTORY_KEEP_SECONDS,
  PUBLIC_URLS_KEPT,
  RECENT_PURGES_KEPT,
  type StoredShot,
  URL_INTERVALS_KEPT,
  VARIANT_RENDERS_KEPT,
} from "@shotcache/core";
import { expect, it } from "vitest";
import { itKeepsBatches } from "./batch-conformance";
import { ids } from "./ids";
import { itKeepsVersions } from "./version-conformance";

export interface StoreUnderTest {
  store: CacheStore;
  /** The backend's keys for this store, where the backend can list them (Redis). */
  keys?: () => Promise<string[]>;
  /** Seconds a backend key has left to live (Redis TTL). */
  ttl?: (key: string) => Promise<number>;
  /** Deletes a backend key, as an eviction would. */
  drop?: (key: string) => Promise<void>;
  /** Overwrites an entry's stored value with bytes that are not an entry. */
  corrupt?: (key: string, urlKey: string) => Promise<void>;
}

export type OpenStore = (options: { maxEntryBytes?: number }) => Promise<StoreUnderTest>;

export function shotOf(bytes: Uint8Array, capturedAt = Date.now()): StoredShot {
  return {
    bytes,
    contentType: "image/png",
    etag: `"etag-${bytes.length}"`,
    capturedAt,
    changedAt: capturedAt,
    expiresAt: capturedAt + 60_000,
    renderMs: 123,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The behaviour every CacheStore must have; run once per implementation. */
export function itBehavesAsACacheStore(open: OpenStore): void {
  it("returns exactly the bytes and facts it was given", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(2);
    const everyByte = Uint8Array.from({ length: 256 }, (_, index) => index);
    const large = Uint8Array.from({ length: 1024 * 1024 }, (_, index) => (index * 7919) % 256);
    for (const [index, bytes] of [everyByte, large].entries()) {
      const shot = shotOf(bytes);
      expect(await store.set(keys[index] ?? "", urlKey, shot, 60)).toBe("stored");
      expect(await store.get(keys[index] ?? "", urlKey)).toEqual(shot);
    }
    expect(await store.get(`${keys[0]}-missing`, urlKey)).toBeUndefined();
  });

  it("drops an entry once its TTL has passed, and stores nothing for a TTL of 0", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(2);
    const [short = "", zero = ""] = keys;
    await store.set(short, urlKey, shotOf(new Uint8Array([1])), 1);
    await store.set(zero, urlKey, shotOf(new Uint8Array([2])), 0);
    expect(await store.get(short, urlKey)).toBeDefined();
    expect(await store.get(zero, urlKey)).toBeUndefined();
    await sleep(1_100);
    expect(await store.get(short, urlKey)).toBeUndefined();
    expect((await store.readStats({ now: Date.now(), hours: 1 })).storage).toEqual({
      entries: 0,
      bytes: 0,
    });
  });

  it("purges every variant of a URL, leaving other URLs and no key behind", async () => {
    const { store, keys: backendKeys, ttl } = await open({});
    const a = ids(5);
    const b = ids(1);
    for (const key of a.keys) await store.set(key, a.urlKey, shotOf(new Uint8Array([3])), 60);
    await store.set(b.keys[0] ?? "", b.urlKey, shotOf(new Uint8Array([4])), 60);

    expect(await store.purgeUrl(a.urlKey, Date.now())).toBe(5);
    for (const key of a.keys) expect(await store.get(key, a.urlKey)).toBeUndefined();
    expect(await store.get(b.keys[0] ?? "", b.urlKey)).toBeDefined();
    expect(await store.purgeUrl(a.urlKey, Date.now())).toBe(0);
    if (backendKeys && ttl) {
      // Only the purge marker is left, and only for as long as a render that began before the
      // purge could still try to store (it is then refused).
      const left = await backendKeys();
      const ofA = left.filter((key) => key.includes(a.urlKey));
      expect(ofA).toEqual([expect.stringMatching(/:purged-at$/)]);
      const markerTtl = await ttl(ofA[0] ?? "");
      expect(markerTtl).toBeGreaterThan(0);
      expect(markerTtl).toBeLessThanOrEqual(600);
      expect(left.some((key) => key.includes(b.urlKey))).toBe(true);
    }
  });

  it("describes the variants of a URL without their bytes", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(2);
    const [small = "", large = ""] = keys;
    await store.set(small, urlKey, shotOf(new Uint8Array(10)), 60);
    await store.set(large, urlKey, shotOf(new Uint8Array(2_000)), 60);
    const variants = await store.inspect(urlKey);
    expect(
      variants.map(({ key, size }) => ({ key, size })).sort((a, b) => a.size - b.size),
    ).toEqual([
      { key: small, size: 10 },
      { key: large, size: 2_000 },
    ]);
    expect(variants[0]).toMatchObject({ contentType: "image/png", renderMs: 123 });
    expect(variants[0]).not.toHaveProperty("bytes");
    await store.purgeUrl(urlKey, Date.now());
    expect(await store.inspect(urlKey)).toEqual([]);
  });

  it("keeps an entry whose image is in a bucket: its reference, and the image's size", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    const object = { key: "shots/0a1b.png", size: 250_000 };
    const shot = { ...shotOf(new Uint8Array(0)), object };
    expect(await store.set(key, urlKey, shot, 60)).toBe("stored");
    expect(await store.get(key, urlKey)).toEqual(shot);
    expect(await store.inspect(urlKey)).toEqual([
      expect.objectContaining({ key, object, size: 250_000 }),
    ]);
  });

  it("deletes one variant and keeps the others purgeable", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(3);
    for (const key of keys) await store.set(key, urlKey, shotOf(new Uint8Array([5])), 60);
    const [first = "", second = ""] = keys;
    expect(await store.delete(first, urlKey, Date.now())).toBe(true);
    expect(await store.delete(first, urlKey, Date.now())).toBe(false);
    expect(await store.get(first, urlKey)).toBeUndefined();
    expect(await store.get(second, urlKey)).toBeDefined();
    expect(await store.purgeUrl(urlKey, Date.now())).toBe(2);
  });

  it("refuses an image whose render began before the URL was purged", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(2);
    const [key = "", other = ""] = keys;
    const purgedAt = Date.now();
    await store.purgeUrl(urlKey, purgedAt);
    // Rendered from purgedAt − 123 ms (shotOf's render time) to purgedAt + 50: it predates the purge.
    const stale = shotOf(new Uint8Array([7]), purgedAt + 50);
    expect(await store.set(key, urlKey, stale, 60)).toBe("superseded");
    expect(await store.get(key, urlKey)).toBeUndefined();
    const fresh = shotOf(new Uint8Array([8]), purgedAt + 200);
    expect(await store.set(key, urlKey, fresh, 60)).toBe("stored");
    await store.delete(other, urlKey, purgedAt + 500);
    expect(await store.set(key, urlKey, shotOf(new Uint8Array([9]), purgedAt + 550), 60)).toBe(
      "superseded",
    );
    expect((await store.get(key, urlKey))?.bytes).toEqual(new Uint8Array([8]));
  });

  it("refuses an entry over its size cap, storing nothing", async () => {
    const { store } = await open({ maxEntryBytes: 1_000 });
    const { urlKey, keys } = ids(2);
    const [fits = "", over = ""] = keys;
    expect(await store.set(fits, urlKey, shotOf(new Uint8Array(1_000)), 60)).toBe("stored");
    expect(await store.set(over, urlKey, shotOf(new Uint8Array(1_001)), 60)).toBe("too-large");
    expect(await store.get(over, urlKey)).toBeUndefined();
    expect(await store.purgeUrl(urlKey, Date.now())).toBe(1);
  });

  it("gives a lock to one holder at a time, until it is released or expires", async () => {
    const { store } = await open({});
    const name = `lock-${ids(0).urlKey}`;
    const token = await store.acquireLock(name, 10_000);
    expect(token).toEqual(expect.any(String));
    expect(await store.acquireLock(name, 10_000)).toBeUndefined();
    await store.releaseLock(name, "not-the-token");
    expect(await store.acquireLock(name, 10_000)).toBeUndefined();
    await store.releaseLock(name, token ?? "");
    const short = await store.acquireLock(name, 200);
    expect(short).toEqual(expect.any(String));
    await sleep(300);
    expect(await store.acquireLock(name, 10_000)).toEqual(expect.any(String));
  });

  it("renews a lock for its holder only, and not once it is gone", async () => {
    const { store } = await open({});
    const name = `renewed-${ids(0).urlKey}`;
    const token = (await store.acquireLock(name, 300)) ?? "";
    expect(await store.renewLock(name, "not-the-token", 10_000)).toBe(false);
    expect(await store.renewLock(name, token, 10_000)).toBe(true);
    await sleep(400);
    // Renewed past its first 300 ms: still held.
    expect(await store.acquireLock(name, 10_000)).toBeUndefined();
    await store.releaseLock(name, token);
    expect(await store.renewLock(name, token, 10_000)).toBe(false);
  });

  it("keeps counters, hourly buckets and histograms", async () => {
    const { store } = await open({});
    const hour = 3_600_000;
    const at = Math.floor(Date.now() / hour) * hour + 60_000;
    const buffer = createStatsBuffer();
    buffer.add({ at: at - hour, counters: { misses: 1 }, latency: { status: "MISS", ms: 300 } });
    buffer.add({ at, counters: { hits: 2 }, latency: { status: "HIT", ms: 3 }, hitAgeSeconds: 30 });
    buffer.add({ at, counters: { purges: 1 }, purgeLagMs: 7 });
    await store.recordStats(buffer.take());
    const stats = await store.readStats({ now: at, hours: 3 });
    expect(stats.counters).toMatchObject({ hits: 2, misses: 1, purges: 1, stale: 0 });
    expect(stats.hourly.map((bucket) => bucket.hourStart)).toEqual([
      at - 60_000 - 2 * hour,
      at - 60_000 - hour,
      at - 60_000,
    ]);
    expect(stats.hourly.map((bucket) => [bucket.counters.hits, bucket.counters.misses])).toEqual([
      [0, 0],
      [0, 1],
      [2, 0],
    ]);
    expect(stats.latency.HIT[0]).toBe(1); // 3 ms: the first bucket (≤ 5 ms)
    expect(stats.latency.MISS.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(stats.hitAge.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(stats.purgeLag.reduce((sum, n) => sum + n, 0)).toBe(1);
  });

  it("keeps each API key's captures and renders, across writes", async () => {
    const { store } = await open({});
    const at = Date.now();
    const buffer = createStatsBuffer();
    const capture = (id: string, rendered: boolean) =>
      buffer.add({ at, counters: { hits: 1 }, apiKey: { id, rendered } });
    capture("aaaaaaaaaaaa", true);
    capture("aaaaaaaaaaaa", false);
    capture("bbbbbbbbbbbb", false);
    await store.recordStats(buffer.take());
    capture("aaaaaaaaaaaa", true);
    await store.recordStats(buffer.take());
    const stats = await store.readStats({ now: at, hours: 1 });
    expect(stats.keyUsage).toEqual([
      { key: "aaaaaaaaaaaa", captures: 3, renders: 2 },
      { key: "bbbbbbbbbbbb", captures: 1, renders: 0 },
    ]);
    expect(stats.counters.hits).toBe(4);
  });

  it("notes renders: the variant's latest, newest first, and the URL's intervals", async () => {
    const { store, keys: backendKeys, ttl } = await open({});
    const { urlKey, keys } = ids(2);
    const [first = "", second = ""] = keys;
    const url = `https://site.test/${urlKey}`;
    const at = 1_800_000_000_000;
    expect(await store.noteRender(first, urlKey, { url, etag: '"a"', at })).toEqual({
      variant: [{ at, etag: '"a"', changedAt: at }],
      urlIntervals: [],
    });
    await store.noteRender(first, urlKey, { url, etag: '"b"', at: at + 1_500 });
    await store.noteRender(second, urlKey, { url, etag: '"x"', at: at + 2_000 });
    const note = await store.noteRender(first, urlKey, { url, etag: '"b"', at: at + 4_000 });
    expect(note.variant).toEqual([
      { at: at + 4_000, etag: '"b"', changedAt: at + 1_500 },
      { at: at + 1_500, etag: '"b"', changedAt: at + 1_500 },
      { at, etag: '"a"', changedAt: at },
    ]);
    // The second variant's first render closes no interval.
    expect(note.urlIntervals).toEqual([
      { seconds: 2.5, changed: false },
      { seconds: 1.5, changed: true },
    ]);
    for (let i = 1; i <= VARIANT_RENDERS_KEPT + URL_INTERVALS_KEPT; i++) {
      await store.noteRender(second, urlKey, { url, etag: `"${i}"`, at: at + 10_000 + i });
    }
    const bounded = await store.noteRender(second, urlKey, { url, etag: '"z"', at: at + 99_000 });
    expect(bounded.variant).toHaveLength(VARIANT_RENDERS_KEPT);
    expect(bounded.urlIntervals).toHaveLength(URL_INTERVALS_KEPT);
    if (backendKeys && ttl) {
      for (const key of (await backendKeys()).filter((name) => name.includes(urlKey))) {
        expect(await ttl(key)).toBeGreaterThan(HISTORY_KEEP_SECONDS - 60);
      }
    }
  });

  it("counts requests per URL and reports the most requested with their histories", async () => {
    const { store } = await open({});
    const [a, b] = [ids(1), ids(1)];
    const urlOf = (urlKey: string) => `https://site.test/${urlKey}`;
    const at = Date.now();
    await store.noteRender(a.keys[0] ?? "", a.urlKey, { url: urlOf(a.urlKey), etag: '"1"', at });
    await store.noteRender(a.keys[0] ?? "", a.urlKey, {
      url: urlOf(a.urlKey),
      etag: '"2"',
      at: at + 60_000,
    });
    const buffer = createStatsBuffer();
    const request = (urlKey: string, fromCache: boolean) =>
      buffer.add({ at, counters: { hits: 1 }, url: { urlKey, url: urlOf(urlKey), fromCache } });
    for (const fromCache of [false, true, true]) request(a.urlKey, fromCache);
    request(b.urlKey, false);
    await store.recordStats(buffer.take());
    request(b.urlKey, true); // a later flush adds up
    await store.recordStats(buffer.take());
    const { topUrls } = await store.readStats({ now: at, hours: 1 });
    const ours = topUrls.filter((top) => [a.urlKey, b.urlKey].some((k) => top.url.endsWith(k)));
    expect(ours).toEqual([
      {
        url: urlOf(a.urlKey),
        requests: 3,
        hits: 2,
        renders: 2,
        changes: 1,
        intervals: [{ seconds: 60, changed: true }],
      },
      { url: urlOf(b.urlKey), requests: 2, hits: 1, renders: 0, changes: 0, intervals: [] },
    ]);
  });

  it("keeps watches and hands each due run to one claimer, one interval at a time", async () => {
    const { store } = await open({});
    const id = `watch-${ids(0).urlKey}`;
    const at = 1_900_000_000_000;
    await store.saveWatch(id, '{"url":"https://a.test/"}', 60, at);
    const mine = (claimed: { id: string }[]) => claimed.filter((watch) => watch.id === id);
    expect(mine(await store.listWatches())).toEqual([
      { id, definition: '{"url":"https://a.test/"}', nextRunAt: at },
    ]);
    expect(mine(await store.claimDueWatches(at - 1, 100))).toEqual([]); // not due yet
    const [first, second] = await Promise.all([
      store.claimDueWatches(at + 10, 100),
      store.claimDueWatches(at + 10, 100),
    ]);
    expect(mine([...(first ?? []), ...(second ?? [])])).toEqual([
      { id, definition: '{"url":"https://a.test/"}' },
    ]);
    // The next run is one interval after the last was due, or after now when that is past.
    expect(mine(await store.listWatches())[0]).toMatchObject({ nextRunAt: at + 60_000 });
    expect(mine(await store.claimDueWatches(at + 59_000, 100))).toEqual([]);
    expect(mine(await store.claimDueWatches(at + 600_000, 100))).toHaveLength(1);
    expect(mine(await store.listWatches())[0]).toMatchObject({ nextRunAt: at + 660_000 });

    expect(await store.swapWatchEtag(id, '"a"')).toBeUndefined();
    expect(await store.swapWatchEtag(id, '"b"')).toBe('"a"');
    expect(await store.deleteWatch(id)).toBe(true);
    expect(await store.deleteWatch(id)).toBe(false);
    expect(mine(await store.listWatches())).toEqual([]);
    expect(mine(await store.claimDueWatches(at + 10_000_000, 100))).toEqual([]);
    // A deleted watch sees nothing either, so a run still under way delivers nothing.
    expect(await store.swapWatchEtag(id, '"c"')).toBeUndefined();
  });

  it("keeps the latest purges, newest first, up to a limit", async () => {
    const { store } = await open({});
    const at = Date.now();
    const purge = (n: number) => ({
      at: at + n,
      url: `https://example.com/${n}`,
      scope: n % 2 ? ("variant" as const) : ("url" as const),
      purged: n,
    });
    const buffer = createStatsBuffer();
    buffer.add({ at, counters: { purges: 1 }, purge: purge(0) });
    await store.recordStats(buffer.take());
    expect((await store.readStats({ now: at, hours: 1 })).recentPurges).toEqual([purge(0)]);

    for (let n = 1; n <= RECENT_PURGES_KEPT + 4; n++) {
      buffer.add({ at: at + n, counters: { purges: 1 }, purge: purge(n) });
    }
    await store.recordStats(buffer.take());
    const { recentPurges } = await store.readStats({ now: at, hours: 1 });
    expect(recentPurges.map((record) => record.purged)).toEqual(
      Array.from({ length: RECENT_PURGES_KEPT }, (_, i) => RECENT_PURGES_KEPT + 4 - i),
    );
    expect(recentPurges[0]).toEqual(purge(RECENT_PURGES_KEPT + 4));
  });

  it("accounts for what it stores: entries and image bytes", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(3);
    const [a = "", b = "", c = ""] = keys;
    const storage = async () => (await store.readStats({ now: Date.now(), hours: 1 })).storage;
    await store.set(a, urlKey, shotOf(new Uint8Array(100)), 60);
    await store.set(b, urlKey, shotOf(new Uint8Array(200)), 60);
    await store.set(b, urlKey, shotOf(new Uint8Array(250)), 60); // replaced, not added
    await store.set(c, urlKey, shotOf(new Uint8Array(400)), 60);
    expect(await storage()).toEqual({ entries: 3, bytes: 750 });
    await store.delete(a, urlKey, Date.now());
    expect(await storage()).toEqual({ entries: 2, bytes: 650 });
    await store.purgeUrl(urlKey, Date.now());
    expect(await storage()).toEqual({ entries: 0, bytes: 0 });
  });

  it("notes public URLs per URL and variant, the latest ones, and gives each up once", async () => {
    const { store } = await open({});
    const { urlKey, keys } = ids(2);
    const [first = "", second = ""] = keys;
    const url = (n: number) => `https://cdn.test/api/v1/screenshot?url=x&n=${n}&signature=s`;
    for (let n = 0; n < PUBLIC_URLS_KEPT + 5; n++) {
      await store.rememberPublicUrl(first, urlKey, url(n), 60);
    }
    await store.rememberPublicUrl(second, urlKey, url(1000), 60);
    await store.rememberPublicUrl(second, urlKey, url(1000), 60); // noted twice, kept once
    expect(await store.takePublicUrls(urlKey, second)).toEqual([url(1000)]);
    expect(await store.takePublicUrls(urlKey, second)).toEqual([]);
    // The latest ones of the URL as a whole, its other variant's included.
    const kept = await store.takePublicUrls(urlKey);
    expect(kept).toHaveLength(PUBLIC_URLS_KEPT - 1);
    expect(kept).toContain(url(PUBLIC_URLS_KEPT + 4));
    expect(kept).not.toContain(url(0));
    expect(await store.takePublicUrls(urlKey)).toEqual([]);

    await store.rememberPublicUrl(first, urlKey, url(1), 1);
    await sleep(1_100);
    expect(await store.takePublicUrls(urlKey)).toEqual([]);
  });

  it("never serves an entry it cannot read, not even one it read before", async () => {
    const { store, corrupt } = await open({});
    if (!corrupt) return; // the memory store holds objects, not encoded values
    const { urlKey, keys } = ids(1);
    const key = keys[0] ?? "";
    await store.set(key, urlKey, shotOf(new Uint8Array([6])), 60);
    expect(await store.get(key, urlKey)).toBeDefined();
    await corrupt(key, urlKey);
    expect(await store.get(key, urlKey)).toBeUndefined();
  });

  itKeepsVersions(open);
  itKeepsBatches(open);
}
