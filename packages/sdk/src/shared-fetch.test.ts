import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSharedFetch } from "./shared-fetch";

describe("shared fetch", () => {
  let server: Server;
  let origin: string;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      setTimeout(() => response.writeHead(200, { etag: '"x"' }).end("the body"), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("sends one request for concurrent identical GETs, and gives each caller its own copy", async () => {
    const shared = createSharedFetch(fetch);
    const responses = await Promise.all(Array.from({ length: 5 }, () => shared(`${origin}/a`)));
    expect(requests).toBe(1);
    for (const response of responses) {
      expect([response.status, response.headers.get("etag"), await response.text()]).toEqual([
        200,
        '"x"',
        "the body",
      ]);
    }
    await Promise.all([shared(`${origin}/a`), shared(`${origin}/b`)]);
    expect(requests).toBe(3);
  });

  it("lets one caller give up without failing the others, and ends the request when all have", async () => {
    const shared = createSharedFetch(fetch);
    const before = requests;
    const quitter = new AbortController();
    const first = shared(`${origin}/c`, { signal: quitter.signal });
    const second = shared(`${origin}/c`);
    quitter.abort();
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    expect(await (await second).text()).toBe("the body");
    expect(requests).toBe(before + 1);

    const everyone = new AbortController();
    const waits = [1, 2].map(() => shared(`${origin}/d`, { signal: everyone.signal }));
    everyone.abort();
    for (const wait of waits) await expect(wait).rejects.toMatchObject({ name: "AbortError" });
    // The abandoned request is not reused: the next call sends its own.
    expect(await (await shared(`${origin}/d`)).text()).toBe("the body");
  });
});
