import {
  createShotcacheClient,
  isShotcacheError,
  type ShotcacheClient,
  ShotcacheError,
} from "@shotcache/sdk";
import { startByteCountingRelay } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

interface Exchange {
  status: number;
  bodyBytes: number;
}

describe.skipIf(!browserAvailable)("SDK against the production server", () => {
  let env: AppUnderTest;
  let client: ShotcacheClient;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    env = await startAppUnderTest();
    // Records what really crossed the wire, before the SDK's ETag cache sees it.
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const bodyBytes = (await response.clone().arrayBuffer()).byteLength;
      exchanges.push({ status: response.status, bodyBytes });
      return response;
    };
    client = createShotcacheClient({ baseUrl: env.app.origin, fetch: recordingFetch });
  });
  afterAll(() => env?.close());

  it("returns bytes and cache facts, then revalidates with no image bytes on the wire", async () => {
    const url = env.site.url("/stable?sdk=1");
    const first = await client.capture({ url, width: 640, height: 480 });
    expect(first.contentType).toBe("image/png");
    expect(first.bytes.byteLength).toBeGreaterThan(1000);
    expect(first.cache).toMatchObject({ status: "MISS", fromClientCache: false });
    expect(first.cache.ttlSeconds).toBeGreaterThan(0);

    const second = await client.capture({ url, width: 640, height: 480 });
    const wire = exchanges.at(-1);
    expect(wire).toEqual({ status: 304, bodyBytes: 0 });
    expect(second.cache).toMatchObject({ status: "HIT", fromClientCache: true });
    expect(second.etag).toBe(first.etag);
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it("moves the image as bytes: a first capture costs the REST image plus under 2 KB, a repeat under 1 KB", async () => {
    const relay = await startByteCountingRelay(Number(new URL(env.app.origin).port));
    try {
      const url = env.site.url("/noise?wire=1");
      const rest = await fetch(
        `${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`,
      );
      const restImageBytes = (await rest.arrayBuffer()).byteLength;
      const viaRelay = createShotcacheClient({ baseUrl: relay.origin });
      const first = await viaRelay.capture({ url });
      const afterFirst = relay.bytes();
      expect(first.bytes.byteLength).toBe(restImageBytes);
      expect(afterFirst).toBeLessThanOrEqual(restImageBytes + 2048);
      const second = await viaRelay.capture({ url });
      expect(second.cache.fromClientCache).toBe(true);
      expect(relay.bytes() - afterFirst).toBeLessThanOrEqual(1024);
    } finally {
      relay.close();
    }
  });

  it("purges every variant of a URL: the next capture of each is a MISS", async () => {
    const url = env.site.url("/stable?purge=1");
    const variants = [
      { url },
      { url, width: 800, height: 600 },
      { url, format: "jpeg" as const, quality: 70 },
      { url, format: "webp" as const, scale: 2, width: 320, height: 240 },
    ];
    for (const variant of variants) await client.capture(variant);
    for (const variant of variants)
      expect((await client.capture(variant)).cache.status).toBe("HIT");

    const inspected = await client.inspect({ url });
    expect(inspected).toHaveLength(variants.length);
    expect(inspected.every((variant) => variant.size > 0 && variant.ttlSeconds > 0)).toBe(true);
    expect(await client.purge({ url })).toEqual({ purged: variants.length, cdn: [] });
    for (const variant of variants)
      expect((await client.capture(variant)).cache.status).toBe("MISS");
  });

  it("counts hits and misses in stats", async () => {
    const before = await client.stats();
    const url = env.site.url("/stable?stats=1");
    await client.capture({ url }); // miss
    await client.capture({ url }); // hit (answered 304 to this client)
    await client.capture({ url, width: 500 }); // miss
    await client.capture({ url, width: 500 }); // hit
    await client.capture({ url, width: 500 }); // hit
    const after = await client.stats();
    expect(after.hits - before.hits).toBe(3);
    expect(after.misses - before.misses).toBe(2);
  });

  it("reports health, and abandons a call whose signal has aborted", async () => {
    expect(await client.health()).toMatchObject({ status: "ok", store: { circuit: "closed" } });
    const error = await client
      .capture({ url: env.site.url("/stable") }, { signal: AbortSignal.abort() })
      .catch((e) => e);
    expect(isShotcacheError(error) && error.code).toBe("ABORTED");
  });

  it("rejects bad input with INVALID_INPUT naming the field", async () => {
    for (const [input, field] of [
      [{}, "url"],
      [{ url: "ftp://127.0.0.1/" }, "url"],
      [{ url: env.site.url("/stable"), width: 0 }, "width"],
      [{ url: env.site.url("/stable"), format: "gif" }, "format"],
      [{ url: env.site.url("/stable"), height: "tall" }, "height"],
    ] as const) {
      const error = await client.capture(input as never).catch((e) => e);
      expect(ShotcacheError.is(error), JSON.stringify(input)).toBe(true);
      expect([error.code, error.status]).toEqual(["INVALID_INPUT", 400]);
      expect(error.fieldErrors.map((e: { field?: string }) => e.field)).toContain(field);
    }
  });
});
