import { createShotcacheClient } from "@shotcache/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

describe.skipIf(!browserAvailable)("page metadata, end to end", () => {
  let env: AppUnderTest;
  beforeAll(async () => {
    env = await startAppUnderTest();
  });
  afterAll(() => env?.close());

  it("reads every tag with absolute URLs, caches it (MISS, HIT, 304) and drops it with the URL", async () => {
    const page = env.site.url("/metadata");
    const read = (headers: Record<string, string> = {}) =>
      fetch(`${env.app.origin}/api/v1/metadata?url=${encodeURIComponent(page)}`, { headers });
    const first = await read();
    expect([first.status, first.headers.get("x-cache")]).toEqual([200, "MISS"]);
    expect(first.headers.get("content-type")).toBe("application/json");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^W\/"/);
    const { capturedAt, ...metadata } = await first.json();
    expect(metadata).toEqual({
      url: page,
      finalUrl: page,
      statusCode: 200,
      title: "Open Graph title",
      description: "Open Graph description",
      lang: "en-GB",
      canonical: page,
      image: env.site.url("/images/card.png"),
      icon: env.site.url("/icons/192.png"),
      themeColor: "#0a7",
    });
    expect(Date.parse(capturedAt)).toBeGreaterThan(Date.now() - 60_000);

    const second = await read();
    expect([second.headers.get("x-cache"), second.headers.get("etag")]).toEqual(["HIT", etag]);
    expect((await second.json()).capturedAt).toBe(capturedAt);
    expect((await read({ "if-none-match": etag })).status).toBe(304);
    expect(env.site.requestCount("/metadata")).toBe(1);

    const purge = await fetch(`${env.app.origin}/api/v1/cache?url=${encodeURIComponent(page)}`, {
      method: "DELETE",
    });
    expect((await purge.json()).purged).toBe(1);
    expect((await read()).headers.get("x-cache")).toBe("MISS");
  });

  it("answers the SDK and tRPC the same facts", async () => {
    const page = env.site.url("/metadata?via=sdk");
    const client = createShotcacheClient({ baseUrl: env.app.origin });
    const metadata = await client.metadata(page);
    expect(metadata).toMatchObject({ url: page, title: "Open Graph title", themeColor: "#0a7" });
    expect(metadata.cache.status).toBe("MISS");
    expect((await client.metadata(page)).cache.fromClientCache).toBe(true);
    const trpc = await fetch(
      `${env.app.origin}/api/trpc/metadata.get?input=${encodeURIComponent(JSON.stringify({ url: page }))}`,
    );
    expect((await trpc.json()).result.data).toMatchObject({ url: page, icon: metadata.icon });
    expect(trpc.headers.get("x-cache")).toBe("HIT");
  });

  it("refuses options that only shape an image, naming them", async () => {
    const page = encodeURIComponent(env.site.url("/metadata"));
    const response = await fetch(`${env.app.origin}/api/v1/metadata?url=${page}&format=png`);
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual([expect.objectContaining({ field: "format" })]);
  });
});
