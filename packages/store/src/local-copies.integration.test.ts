import type { CacheStore } from "@shotcache/core";
import {
  availableOrSkip,
  findRedisServer,
  type RedisBackends,
  startRedisBackends,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shotOf } from "../test/store-conformance";
import { createRedisStore } from "./redis-store";
import { createUpstashStore } from "./upstash-store";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

/** An image of `size` bytes, distinct per `seed`. */
const image = (size: number, seed: number) =>
  Uint8Array.from({ length: size }, (_, index) => (index * 31 + seed) % 256);

/**
 * Two instances sharing one database (one that reads and keeps copies, one that writes), each
 * test on its own prefix and keys.
 */
describe.skipIf(!redisAvailable)("copies of entries kept in process", () => {
  let backends: RedisBackends;
  let prefixes = 0;
  beforeAll(async () => {
    backends = await startRedisBackends();
  });
  afterAll(() => backends?.close());

  /** Bytes redis-server has sent to all its clients so far. */
  async function bytesSentByRedis(): Promise<number> {
    const [info] = await backends.raw.send([["info", "stats"]]);
    return Number(/total_net_output_bytes:(\d+)/.exec(String(info))?.[1]);
  }

  const kinds: [string, (prefix: string) => CacheStore][] = [
    ["redis store", (prefix) => createRedisStore({ url: backends.server.url, prefix })],
    [
      "upstash store",
      (prefix) =>
        createUpstashStore({ url: backends.bridge.url, token: backends.bridge.token, prefix }),
    ],
  ];

  describe.each(kinds)("%s", (_kind, open) => {
    function twoInstances() {
      const prefix = `copies${++prefixes}:`;
      return { reader: open(prefix), writer: open(prefix) };
    }

    it("serves a popular entry without its image crossing the network again", async () => {
      const { reader, writer } = twoInstances();
      const shot = shotOf(image(200_000, 1));
      await writer.set("v1:u1:a", "u1", shot, 60);
      expect(await reader.get("v1:u1:a", "u1")).toEqual(shot);
      const before = await bytesSentByRedis();
      for (let i = 0; i < 10; i++) expect(await reader.get("v1:u1:a", "u1")).toEqual(shot);
      // Ten reads of a 200 KB image (270 KB as base64) cost a few small replies, not 2 MB.
      expect((await bytesSentByRedis()) - before).toBeLessThan(20_000);
      await Promise.all([reader.close(), writer.close()]);
    });

    it("never serves its copy once another instance purged, replaced or let the entry expire", async () => {
      const { reader, writer } = twoInstances();
      const first = shotOf(image(50_000, 2));
      await writer.set("v1:u2:a", "u2", first, 60);
      expect(await reader.get("v1:u2:a", "u2")).toEqual(first);

      expect(await writer.purgeUrl("u2", Date.now())).toBe(1);
      expect(await reader.get("v1:u2:a", "u2")).toBeUndefined();

      // Rendered again after the purge, then replaced by a later render of the same size.
      const second = shotOf(image(50_000, 3), Date.now() + 200);
      expect(await writer.set("v1:u2:a", "u2", second, 60)).toBe("stored");
      expect(await reader.get("v1:u2:a", "u2")).toEqual(second);
      const third = shotOf(image(50_000, 4), second.capturedAt + 1);
      await writer.set("v1:u2:a", "u2", third, 60);
      expect(await reader.get("v1:u2:a", "u2")).toEqual(third);

      await writer.set("v1:u2:a", "u2", third, 1);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await reader.get("v1:u2:a", "u2")).toBeUndefined();
      await Promise.all([reader.close(), writer.close()]);
    });

    it("keeps no copies when they are turned off, and reads the same entries", async () => {
      const prefix = `copies${++prefixes}:`;
      const reader = open(prefix);
      const shot = shotOf(image(30_000, 5));
      await reader.set("v1:u3:a", "u3", shot, 60);
      const uncached =
        _kind === "redis store"
          ? createRedisStore({ url: backends.server.url, prefix, localCacheMaxBytes: 0 })
          : createUpstashStore({
              url: backends.bridge.url,
              token: backends.bridge.token,
              prefix,
              localCacheMaxBytes: 0,
            });
      expect(await uncached.get("v1:u3:a", "u3")).toEqual(shot);
      const before = await bytesSentByRedis();
      expect(await uncached.get("v1:u3:a", "u3")).toEqual(shot);
      expect((await bytesSentByRedis()) - before).toBeGreaterThan(30_000);
      await Promise.all([reader.close(), uncached.close()]);
    });
  });
});
