import { DeleteObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { createShotcacheClient } from "@shotcache/sdk";
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
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));
const swiftAvailable = Boolean(await availableOrSkip("Swift and memcached", findSwift));

const BUCKET = "shots";
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Every value the store keeps in Redis under `prefix`, whatever the key's type. */
async function storedValues(backends: RedisBackends, prefix: string): Promise<Buffer[]> {
  const keys = await scanKeys(backends.server, `${prefix}*`);
  const values: Buffer[] = [];
  for (const key of keys) {
    const [type] = await backends.raw.send([["type", key]]);
    const read = {
      string: ["get", key],
      hash: ["hvals", key],
      list: ["lrange", key, "0", "-1"],
      set: ["smembers", key],
      zset: ["zrange", key, "0", "-1"],
    }[String(type)];
    if (!read) continue;
    const [reply] = await backends.raw.send([read]);
    values.push(...[reply].flat().filter((value): value is Buffer => Buffer.isBuffer(value)));
  }
  return values;
}

/** Whether a value holds a PNG image, as bytes (Redis) or base64 (Upstash). */
const holdsPng = (value: Buffer) =>
  value.includes(PNG) || value.includes(PNG.toString("base64").slice(0, 10));

describe.skipIf(!browserAvailable || !redisAvailable || !swiftAvailable)(
  "images in an S3-compatible bucket (Swift), end to end",
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

    /** The app on `kind`, its images in the bucket under `prefix`, each key under `prefix:`. */
    const startOn = (kind: "redis" | "upstash", prefix: string, env: Record<string, string> = {}) =>
      startAppUnderTest({
        ...(kind === "redis"
          ? { REDIS_URL: backends.server.url }
          : {
              UPSTASH_REDIS_REST_URL: backends.bridge.url,
              UPSTASH_REDIS_REST_TOKEN: backends.bridge.token,
            }),
        SHOTCACHE_KEY_PREFIX: `${prefix}:`,
        SHOTCACHE_OBJECT_STORE: `s3://${BUCKET}/${prefix}`,
        SHOTCACHE_S3_ENDPOINT: swift.endpoint,
        SHOTCACHE_OBJECT_MIN_BYTES: "1024",
        SHOTCACHE_STORE_RETRY_MS: "500",
        AWS_ACCESS_KEY_ID: swift.accessKeyId,
        AWS_SECRET_ACCESS_KEY: swift.secretAccessKey,
        AWS_REGION: "us-east-1",
        ...env,
      });

    describe.each(["redis", "upstash"] as const)("on the %s store", (kind) => {
      let env: AppUnderTest;
      const prefix = `e2e-${kind}`;
      const objects = () => swift.keys(BUCKET, `${prefix}/`);
      const screenshot = (url: string, headers: Record<string, string> = {}) =>
        fetch(`${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`, { headers });
      beforeAll(async () => {
        // No copies of images in the process: every hit reads the bucket, as one without a copy.
        env = await startOn(kind, prefix, { SHOTCACHE_LOCAL_CACHE_MAX_BYTES: "0" });
      });
      afterAll(() => env?.close());

      it("answers MISS, HIT and 304 from the bucket, keeps no image in the store, and keeps the history's through a purge", async () => {
        const url = env.site.url("/stable?objects=1");
        const miss = await screenshot(url);
        const bytes = Buffer.from(await miss.arrayBuffer());
        expect([miss.status, miss.headers.get("x-cache")]).toEqual([200, "MISS"]);
        const hit = await screenshot(url);
        expect(hit.headers.get("x-cache")).toBe("HIT");
        expect(Buffer.from(await hit.arrayBuffer())).toEqual(bytes);
        const etag = hit.headers.get("etag") ?? "";
        expect((await screenshot(url, { "if-none-match": etag })).status).toBe(304);

        const [object, ...others] = await objects();
        expect(others).toEqual([]);
        const kept = await swift.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: object }));
        expect(Buffer.from((await kept.Body?.transformToByteArray()) ?? [])).toEqual(bytes);
        const values = await storedValues(backends, `${prefix}:`);
        expect(values.length).toBeGreaterThan(0);
        expect(values.filter(holdsPng)).toEqual([]);

        const purge = await fetch(`${env.app.origin}/api/v1/cache?url=${encodeURIComponent(url)}`, {
          method: "DELETE",
        });
        expect((await purge.json()).purged).toBe(1);
        // The variant's history outlives the purge (by design), and its image with it.
        expect(await objects()).toEqual([object]);
        const history = await fetch(
          `${env.app.origin}/api/v1/history?url=${encodeURIComponent(url)}`,
        ).then((response) => response.json());
        const image = await fetch(new URL(history.versions[0].image, env.app.origin));
        expect(Buffer.from(await image.arrayBuffer())).toEqual(bytes);
        expect((await screenshot(url)).headers.get("x-cache")).toBe("MISS");
      });

      it("renders again when the image is gone from the bucket", async () => {
        const url = env.site.url("/stable?objects=2");
        await screenshot(url);
        const object = (await objects()).find(Boolean);
        for (const key of await objects()) {
          await swift.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
        }
        const again = await screenshot(url);
        expect([again.status, again.headers.get("x-cache")]).toEqual([200, "MISS"]);
        expect(await objects()).toContain(object);
        expect((await screenshot(url)).headers.get("x-cache")).toBe("HIT");
      });

      it("answers uncached while the bucket is down, and caches again once it is back", async () => {
        const url = env.site.url("/stable?objects=3");
        await swift.pause();
        try {
          for (const attempt of [1, 2]) {
            const answer = await screenshot(`${url}&attempt=${attempt}`);
            expect([answer.status, answer.headers.get("x-cache")]).toEqual([200, "BYPASS"]);
          }
        } finally {
          await swift.restart();
        }
        await expect
          .poll(async () => (await screenshot(url)).headers.get("x-cache"), { timeout: 15_000 })
          .toBe("HIT");
      }, 60_000);
    });

    it("redirects a hit to a presigned URL, and a purge with no history deletes the image", async () => {
      const prefix = "e2e-redirect";
      const env = await startOn("redis", prefix, {
        SHOTCACHE_OBJECT_REDIRECT: "true",
        SHOTCACHE_HISTORY_VERSIONS: "0",
      });
      try {
        const url = env.site.url("/stable?objects=redirect");
        const api = `${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`;
        const miss = await fetch(api);
        const bytes = Buffer.from(await miss.arrayBuffer());
        expect(miss.headers.get("x-cache")).toBe("MISS");
        const hit = await fetch(api, { redirect: "manual" });
        expect([hit.status, hit.headers.get("x-cache")]).toEqual([302, "HIT"]);
        expect(hit.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
        const location = hit.headers.get("location") ?? "";
        expect(location.startsWith(`${swift.endpoint}/${BUCKET}/${prefix}/`)).toBe(true);
        expect(Buffer.from(await (await fetch(location)).arrayBuffer())).toEqual(bytes);
        const etag = hit.headers.get("etag") ?? "";
        expect((await fetch(api, { headers: { "if-none-match": etag } })).status).toBe(304);
        // The SDK follows the redirect itself, keeping the server's cache facts.
        const sdk = createShotcacheClient({ baseUrl: env.app.origin, retry: false, cache: false });
        const shot = await sdk.capture({ url });
        expect(Buffer.from(shot.bytes)).toEqual(bytes);
        expect([shot.etag, shot.cache.status, shot.contentType]).toEqual([
          etag,
          "HIT",
          "image/png",
        ]);
        // A POST wants the image itself.
        const posted = await fetch(`${env.app.origin}/api/v1/screenshot`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ url }),
        });
        expect(Buffer.from(await posted.arrayBuffer())).toEqual(bytes);

        expect(await swift.keys(BUCKET, `${prefix}/`)).toHaveLength(1);
        await fetch(`${env.app.origin}/api/v1/cache?url=${encodeURIComponent(url)}`, {
          method: "DELETE",
        });
        // Deleted just after the purge's answer.
        await expect.poll(() => swift.keys(BUCKET, `${prefix}/`)).toEqual([]);
      } finally {
        await env.close();
      }
    });
  },
);
