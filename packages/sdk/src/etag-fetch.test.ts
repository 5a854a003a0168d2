import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryETagCache } from "./etag-cache";
import { createETagFetch, FROM_CLIENT_CACHE_HEADER } from "./etag-fetch";

const ETAG = '"v1"';
/** Bytes of every value, as an image is. */
const IMAGE = Uint8Array.from({ length: 70_000 }, (_, index) => (index * 31) % 256);

describe("ETag fetch", () => {
  let server: Server;
  let origin: string;
  const seen: { method: string; ifNoneMatch: string | undefined }[] = [];

  beforeAll(async () => {
    // A real HTTP server on loopback that behaves like shotcache's image endpoint.
    server = createServer((request, response) => {
      const ifNoneMatch = request.headers["if-none-match"];
      seen.push({ method: request.method ?? "", ifNoneMatch });
      if (request.method === "GET" && ifNoneMatch === ETAG) {
        response.writeHead(304, { etag: ETAG, "x-cache": "HIT", "x-cache-age": "7" });
        return response.end();
      }
      response.writeHead(200, { etag: ETAG, "content-type": "image/png", "x-cache": "MISS" });
      response.end(IMAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("revalidates with the held ETag and replays the bytes with the 304's headers", async () => {
    const etagFetch = createETagFetch(fetch, createMemoryETagCache());
    const first = await etagFetch(`${origin}/shot?a=1`);
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(IMAGE);
    expect(first.headers.get(FROM_CLIENT_CACHE_HEADER)).toBeNull();

    const second = await etagFetch(`${origin}/shot?a=1`);
    expect(seen.at(-1)?.ifNoneMatch).toBe(ETAG);
    expect(second.status).toBe(200);
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(IMAGE);
    expect(
      Object.fromEntries(
        ["content-type", "x-cache", "x-cache-age", "etag"].map((name) => [
          name,
          second.headers.get(name),
        ]),
      ),
    ).toEqual({
      "content-type": "image/png",
      "x-cache": "HIT",
      "x-cache-age": "7",
      etag: ETAG,
    });
    expect(second.headers.get(FROM_CLIENT_CACHE_HEADER)).toBe("true");
  });

  it("keys by URL: another input is fetched without an ETag", async () => {
    const etagFetch = createETagFetch(fetch, createMemoryETagCache());
    await etagFetch(`${origin}/shot?a=a`);
    await etagFetch(`${origin}/shot?a=b`);
    expect(seen.at(-1)?.ifNoneMatch).toBeUndefined();
  });

  it("passes other methods through untouched", async () => {
    const etagFetch = createETagFetch(fetch, createMemoryETagCache());
    await etagFetch(`${origin}/purge`, { method: "POST", body: "{}" });
    await etagFetch(`${origin}/purge`, { method: "POST", body: "{}" });
    expect(seen.at(-1)).toEqual({ method: "POST", ifNoneMatch: undefined });
  });
});
