import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import type { CacheStore, StoredShot } from "@shotcache/core";
import { createMemoryStore, createRedisStore, createUpstashStore } from "@shotcache/store";
import {
  availableOrSkip,
  findRedisServer,
  findSwift,
  type RedisBackends,
  type Swift,
  scanKeys,
  startRedisBackends,
  startSwift,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withObjectBucket } from "./object-backed-store";
import { objectKeyFor } from "./object-names";
import { createS3Bucket } from "./s3-bucket";

const swiftAvailable = Boolean(await availableOrSkip("Swift and memcached", findSwift));
const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

const MIN_BYTES = 1024;
const BUCKET = "shots";
let images = 0;
/** A distinct image of `size` bytes, as a render would give it. */
function shotOf(size = 4096): StoredShot {
  const seed = ++images;
  const bytes = Uint8Array.from({ length: size }, (_, index) => (index * 31 + seed * 7) % 256);
  const at = Date.now();
  const etag = `"image-${seed}"`;
  return {
    bytes,
    contentType: "image/png",
    etag,
    capturedAt: at,
    changedAt: at,
    expiresAt: at + 60_000,
    renderMs: 5,
  };
}
let urls = 0;
const idsOf = () => {
  const urlKey = `u${++urls}x${Date.now().toString(36)}`;
  return { urlKey, key: `v1:${urlKey}:a`, other: `v1:${urlKey}:b` };
};
const waitFor = async (check: () => Promise<boolean>) => {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("not within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe.skipIf(!swiftAvailable || !redisAvailable)(
  "a store with its images in a bucket (Swift)",
  () => {
    let swift: Swift;
    let backends: RedisBackends;
    beforeAll(async () => {
      [swift, backends] = await Promise.all([startSwift(), startRedisBackends()]);
      await swift.createBucket(BUCKET);
    }, 60_000);
    afterAll(async () => {
      await backends?.close();
      await swift?.stop();
    });

    let stores = 0;
    const kinds: [string, (prefix: string) => CacheStore][] = [
      ["memory", () => createMemoryStore()],
      ["redis", (prefix) => createRedisStore({ url: backends.server.url, prefix })],
      [
        "upstash",
        (prefix) =>
          createUpstashStore({ url: backends.bridge.url, token: backends.bridge.token, prefix }),
      ],
    ];

    describe.each(kinds)("on the %s store", (kind, create) => {
      /** The store as it is, under the store with a bucket, each in a prefix of its own. */
      const open = (localCopyMaxBytes = 0) => {
        const prefix = `${kind}${++stores}`;
        const inner = create(`${prefix}:`);
        const bucket = createS3Bucket({
          location: `s3://${BUCKET}/${prefix}`,
          endpoint: swift.endpoint,
          credentials: { accessKeyId: swift.accessKeyId, secretAccessKey: swift.secretAccessKey },
        });
        const options = { minBytes: MIN_BYTES, maxEntryBytes: 64 * 1024, localCopyMaxBytes };
        return {
          inner,
          store: withObjectBucket(inner, bucket, options),
          /** Another instance on the same store and bucket: nothing of the first's in memory. */
          another: () => withObjectBucket(inner, bucket, options),
          objects: () => swift.keys(BUCKET, `${prefix}/`),
          prefix: `${prefix}/`,
        };
      };

      it("keeps large images in the bucket, once per content, and small ones in the store", async () => {
        const { inner, store, objects, prefix } = open();
        const { urlKey, key, other } = idsOf();
        const large = shotOf();
        const small = shotOf(MIN_BYTES - 1);
        expect(await store.set(key, urlKey, large, 60)).toBe("stored");
        expect(await store.set(other, urlKey, { ...large, etag: large.etag }, 60)).toBe("stored");
        const objectKey = objectKeyFor(prefix, large.bytes, "image/png");
        expect(objectKey).toMatch(/\/[0-9a-f]{64}\.png$/);
        expect(await objects()).toEqual([objectKey]);
        expect(await store.get(key, urlKey)).toMatchObject({
          ...large,
          object: { key: objectKey, size: 4096 },
        });
        // The store itself keeps a reference: no image bytes.
        expect(await inner.get(key, urlKey)).toMatchObject({
          bytes: new Uint8Array(0),
          object: { key: objectKey },
        });
        expect((await store.inspect(urlKey)).map((variant) => variant.size)).toEqual([4096, 4096]);

        const { urlKey: smallUrl, key: smallKey } = idsOf();
        expect(await store.set(smallKey, smallUrl, small, 60)).toBe("stored");
        expect(await inner.get(smallKey, smallUrl)).toEqual(small);
        expect(await objects()).toEqual([objectKey]);
        expect(await store.set(smallKey, smallUrl, shotOf(64 * 1024 + 1), 60)).toBe("too-large");
      });

      it("answers a missing image as no entry, and hands out a presigned URL of one kept", async () => {
        const { store, another } = open();
        const { urlKey, key } = idsOf();
        const shot = shotOf();
        await store.set(key, urlKey, shot, 60);
        const located = await store.get(key, urlKey, "location");
        expect(located?.bytes).toEqual(new Uint8Array(0));
        const served = await fetch(located?.location ?? "");
        expect([served.status, served.headers.get("content-type")]).toEqual([200, "image/png"]);
        expect(new Uint8Array(await served.arrayBuffer())).toEqual(shot.bytes);

        const objectKey = located?.object?.key ?? "";
        await swift.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: objectKey }));
        expect(await store.get(key, urlKey)).toBeUndefined();
        // Where it was not redirected to lately: this one reuses its URL for two minutes.
        expect(await another().get(key, urlKey, "location")).toBeUndefined();
        expect((await store.get(key, urlKey, "location"))?.location).toBe(located?.location);
      });

      it("deletes the images a purge or a replacement leaves unused, not those a version shows", async () => {
        const { store, objects, prefix } = open();
        const { urlKey, key, other } = idsOf();
        const [kept, dropped, replacement] = [shotOf(), shotOf(), shotOf()];
        await store.set(key, urlKey, kept, 60);
        await store.addVersion(key, urlKey, kept, 5);
        await store.set(other, urlKey, dropped, 60);
        expect(await objects()).toHaveLength(2);
        expect(await store.purgeUrl(urlKey, Date.now())).toBe(2);
        // The history outlives the purge, with its image; the other image goes after the answer.
        await waitFor(async () => (await objects()).length === 1);
        const shown = objectKeyFor(prefix, kept.bytes, "image/png");
        expect(await objects()).toEqual([shown]);
        expect(await store.readVersionImage(key, urlKey, kept.etag)).toEqual(kept.bytes);

        const { urlKey: next, key: nextKey } = idsOf();
        await store.set(nextKey, next, dropped, 60);
        await store.set(nextKey, next, replacement, 60);
        await waitFor(async () => (await objects()).length === 2);
        expect(await objects()).toContain(shown);
        expect(await store.delete(nextKey, next, Date.now())).toBe(true);
        await waitFor(async () => (await objects()).length === 1);
        expect(await objects()).toEqual([shown]);
      });

      it("answers a hit on an image it holds a copy of without the bucket", async () => {
        const { store } = open(16 * 1024);
        const { urlKey, key, other } = idsOf();
        const [copied, tooLarge] = [shotOf(), shotOf(32 * 1024)];
        await store.set(key, urlKey, copied, 60);
        await store.set(other, urlKey, tooLarge, 60);
        await swift.pause();
        try {
          expect((await store.get(key, urlKey))?.bytes).toEqual(copied.bytes);
          await expect(store.get(other, urlKey)).rejects.toThrow();
        } finally {
          await swift.restart();
        }
      }, 60_000);

      it("fails while the bucket is away, and keeps images again once it is back", async () => {
        const { store } = open();
        const { urlKey, key, other } = idsOf();
        const before = shotOf();
        await store.set(key, urlKey, before, 60);
        await swift.pause();
        try {
          await expect(store.get(key, urlKey)).rejects.toThrow();
          await expect(store.set(other, urlKey, shotOf(), 60)).rejects.toThrow();
        } finally {
          await swift.restart();
        }
        const after = shotOf();
        expect(await store.set(other, urlKey, after, 60)).toBe("stored");
        expect((await store.get(other, urlKey))?.bytes).toEqual(after.bytes);
        expect((await store.get(key, urlKey))?.bytes).toEqual(before.bytes);
      }, 60_000);
    });

    it("keeps no image bytes above the threshold in Redis", async () => {
      const prefix = "sizes:";
      const bucket = createS3Bucket({
        location: `s3://${BUCKET}/sizes`,
        endpoint: swift.endpoint,
        credentials: { accessKeyId: swift.accessKeyId, secretAccessKey: swift.secretAccessKey },
      });
      const store = withObjectBucket(
        createRedisStore({ url: backends.server.url, prefix }),
        bucket,
        {
          minBytes: MIN_BYTES,
          maxEntryBytes: 1024 * 1024,
        },
      );
      const { urlKey, key } = idsOf();
      for (let render = 0; render < 3; render++) {
        const shot = shotOf(200_000);
        await store.set(key, urlKey, shot, 60);
        await store.addVersion(key, urlKey, shot, 5);
      }
      const keys = await scanKeys(backends.server, `${prefix}*`);
      const sizes = await backends.raw.send(
        keys.map((each) => ["memory", "usage", each, "samples", "0"]),
      );
      expect(Math.max(...sizes.map(Number))).toBeLessThan(MIN_BYTES);
      await store.close();
    });
  },
);
