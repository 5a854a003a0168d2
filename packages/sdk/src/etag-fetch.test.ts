import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryETagCache } from "./etag-cache";
import { createETagFetch } from "./etag-fetch";

const ETAG = '"v1"';
const BODY = JSON.stringify({
  result: {
    data: {
      image: "AAEC",
      cache: {
        status: "MISS",
        ageSeconds: 0,
        ttlSeconds: 60,
        capturedAt: "2026-11-26T09:59:00.250Z",
        renderMs: 200,
      },
    },
  },
});

describe("ETag fetch", () => {
  let server: Server;
  let origin: string;
  const seen: { method: string; ifNoneMatch: string | undefined }[] = [];

  beforeAll(async () => {
    // A real HTTP server on loopback that behaves like shotcache's capture endpoint.
    server = createServer((request, response) => {
      const ifNoneMatch = request.headers["if-none-match"];
      seen.push({ method: request.method ?? "", ifNoneMatch });
      if (request.method === "GET" && ifNoneMatch === ETAG) {
        response.writeHead(304, {
          etag: ETAG,
          "last-modified": "Thu, 26 Nov 2026 10:00:00 GMT",
          "x-render-time": "321",
          "x-cache": "HIT",
          "x-cache-age": "7",
          "x-cache-ttl": "53",
        });
        return response.end();
      }
      response.writeHead(200, { etag: ETAG, "content-type": "application/json" });
      response.end(BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("revalidates with the held ETag and replays the body with the 304's cache facts", async () => {
    const etagFetch = createETagFetch(fetch, createMemoryETagCache());
    const first = await etagFetch(`${origin}/capture?input=1`);
    expect(await first.text()).toBe(BODY);

    const second = await etagFetch(`${origin}/capture?input=1`);
    expect(seen.at(-1)?.ifNoneMatch).toBe(ETAG);
    expect(second.status).toBe(200);
    expect(JSON.parse(await second.text()).result.data).toEqual({
      image: "AAEC",
      cache: {
        status: "HIT",
        ageSeconds: 7,
        ttlSeconds: 53,
        capturedAt: "2026-11-26T10:00:00.000Z",
        renderMs: 321,
        fromClientCache: true,
      },
    });
  });

  it("keys by URL: another input is fetched without an ETag", async () => {
    const etagFetch = createETagFetch(fetch, createMemoryETagCache());
    await etagFetch(`${origin}/capture?input=a`);
    await etagFetch(`${origin}/capture?input=b`);
    expect(seen.at(-1)?.ifNoneMatch).toBeUndefined();
  });

  it("passes other methods through untouched", async () => {
    const etagFetch = createETagFetch(fetch, createMemoryETagCache());
    await etagFetch(`${origin}/purge`, { method: "POST", body: "{}" });
    await etagFetch(`${origin}/purge`, { method: "POST", body: "{}" });
    expect(seen.at(-1)).toEqual({ method: "POST", ifNoneMatch: undefined });
  });
});
