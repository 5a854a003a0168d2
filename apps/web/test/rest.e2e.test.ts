import { imageSize } from "image-size";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

describe.skipIf(!browserAvailable)("REST through the production server", () => {
  let env: AppUnderTest;
  const screenshot = (query: string, init?: RequestInit) =>
    fetch(`${env.app.origin}/api/v1/screenshot?${query}`, init);

  beforeAll(async () => {
    env = await startAppUnderTest();
  });
  afterAll(() => env?.close());

  it("serves MISS, then HIT with identical bytes and ETag, then 304 with no body", async () => {
    const query = `url=${encodeURIComponent(env.site.url("/stable"))}&width=1024&height=600`;
    const miss = await screenshot(query);
    const missBytes = new Uint8Array(await miss.arrayBuffer());
    expect(miss.status).toBe(200);
    expect(miss.headers.get("content-type")).toBe("image/png");
    expect(miss.headers.get("x-cache")).toBe("MISS");
    expect(imageSize(missBytes)).toMatchObject({ type: "png", width: 1024, height: 600 });

    const hit = await screenshot(query);
    const hitBytes = new Uint8Array(await hit.arrayBuffer());
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("etag")).toBe(miss.headers.get("etag"));
    expect(Buffer.from(hitBytes).equals(Buffer.from(missBytes))).toBe(true);
    for (const header of [
      "age",
      "x-cache-age",
      "x-cache-ttl",
      "x-cache-key",
      "cache-control",
      "last-modified",
      "x-request-id",
    ]) {
      expect(hit.headers.get(header), header).not.toBeNull();
    }

    expect(miss.headers.get("x-render-time")).toMatch(/^\d+$/);
    const head = await screenshot(query, { method: "HEAD" });
    expect([
      head.status,
      head.headers.get("x-cache"),
      (await head.arrayBuffer()).byteLength,
    ]).toEqual([200, "HIT", 0]);

    const etag = hit.headers.get("etag") ?? "";
    const notModified = await screenshot(query, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    expect((await notModified.arrayBuffer()).byteLength).toBe(0);
  });

  it.each([
    ["", "url"],
    ["url=ftp://127.0.0.1/file", "url"],
    ["url=http://127.0.0.1/&width=0", "width"],
    ["url=http://127.0.0.1/&format=gif", "format"],
    ["url=http://127.0.0.1/&height=tall", "height"],
  ])("answers ?%s with a 400 problem document naming %s", async (query, field) => {
    const response = await screenshot(query);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = await response.json();
    expect(problem.code).toBe("INVALID_INPUT");
    expect(problem.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it("answers If-Modified-Since with 304 when nothing newer exists", async () => {
    const query = `url=${encodeURIComponent(env.site.url("/stable?ims=1"))}`;
    const first = await screenshot(query);
    const lastModified = first.headers.get("last-modified") ?? "";
    expect(
      (await screenshot(query, { headers: { "if-modified-since": lastModified } })).status,
    ).toBe(304);
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await screenshot(query, { headers: { "if-modified-since": before } })).status).toBe(
      200,
    );
  });

  it("answers a render past its timeout with 504 RENDER_TIMEOUT", async () => {
    const response = await screenshot(
      `url=${encodeURIComponent(env.site.url("/slow?ms=10000"))}&timeout=1000`,
    );
    expect(response.status).toBe(504);
    expect((await response.json()).code).toBe("RENDER_TIMEOUT");
  });

  it("answers a target's 404 with a 422 problem, and does not cache it", async () => {
    const query = `url=${encodeURIComponent(env.site.url("/status/404"))}`;
    const first = await screenshot(query);
    expect(first.status).toBe(422);
    expect((await first.json()).code).toBe("TARGET_HTTP_ERROR");
    await screenshot(query);
    expect(env.site.requestCount("/status/404")).toBe(2);
  });

  it("takes the later options from the query: an avif thumbnail of the page without its images", async () => {
    const page = `url=${encodeURIComponent(env.site.url("/extras"))}&width=400&height=300`;
    const query = `${page}&format=avif&imageWidth=100&blockResources=image&blockResources=font`;
    const imagesBefore = env.site.requestCount("/pixel.png");
    const miss = await screenshot(query);
    const bytes = new Uint8Array(await miss.arrayBuffer());
    expect([miss.status, miss.headers.get("content-type")]).toEqual([200, "image/avif"]);
    expect(imageSize(bytes)).toMatchObject({ width: 100, height: 75 });
    expect(env.site.requestCount("/pixel.png")).toBe(imagesBefore);
    // The same types in another order are the same variant, and another format another one.
    const again = await screenshot(
      `${page}&format=avif&imageWidth=100&blockResources=font&blockResources=image`,
    );
    await again.arrayBuffer();
    expect(again.headers.get("x-cache")).toBe("HIT");
    const plain = await screenshot(page);
    await plain.arrayBuffer();
    expect(plain.headers.get("x-cache-key")).not.toBe(miss.headers.get("x-cache-key"));

    const refused = await screenshot(`${page}&format=jpeg&omitBackground=true&mediaType=tv`);
    const problem = await refused.json();
    expect(refused.status).toBe(400);
    expect(problem.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      "mediaType",
    ]);
  });

  it("lists the devices, and takes a device, a clip, headers and a pdf from the query", async () => {
    const listed = await (await fetch(`${env.app.origin}/api/v1/devices`)).json();
    expect(listed.devices).toContainEqual({
      name: "iPhone X",
      width: 375,
      height: 812,
      scale: 3,
      mobile: true,
      touch: true,
      landscape: false,
    });
    const page = `url=${encodeURIComponent(env.site.url("/extras?rest=1"))}`;
    const phone = await screenshot(`${page}&device=iPhone%20X&clip=0,0,100,50`);
    expect(imageSize(new Uint8Array(await phone.arrayBuffer()))).toMatchObject({
      width: 300,
      height: 150,
    });
    await screenshot(`${page}&headers=X-Tenant:%20acme&headers=X-Plan:%20pro`).then((r) =>
      r.arrayBuffer(),
    );
    expect(env.site.lastHeaders("/extras")).toMatchObject({ "x-tenant": "acme", "x-plan": "pro" });

    const pdf = await screenshot(`${page}&format=pdf&paperSize=letter`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const consent = await screenshot(
      `url=${encodeURIComponent(env.site.url("/consent"))}&blockCookieBanners=true`,
    );
    expect([consent.status, consent.headers.get("content-type")]).toEqual([200, "image/png"]);
    const ads = env.site.url("/ads");
    const adFree = await screenshot(`url=${encodeURIComponent(ads)}&blockAds=true`);
    const withAds = await screenshot(`url=${encodeURIComponent(ads)}`);
    expect([adFree.status, withAds.status]).toEqual([200, 200]);
    expect(adFree.headers.get("x-cache-key")).not.toBe(withAds.headers.get("x-cache-key"));
    const unknown = await screenshot(`${page}&device=Nokia%203310`);
    expect([unknown.status, (await unknown.json()).errors[0].field]).toEqual([400, "device"]);
  });
});
