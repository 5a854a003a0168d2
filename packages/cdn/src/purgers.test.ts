import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgersFromConfig } from "./purgers-from-config";
import { createXkeyPurger } from "./xkey-purger";

/** A loopback CDN that records each request and answers with the next status given. */
const received: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
const statuses: number[] = [];
const cdn = createServer((request, response) => {
  received.push({ method: request.method, url: request.url, headers: request.headers });
  response.writeHead(statuses.shift() ?? 200).end("ok");
});
let origin = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => cdn.close(resolve)));

describe("the xkey purger", () => {
  it("sends one PURGE with the tags, space-separated, in xkey-purge", async () => {
    received.length = 0;
    await createXkeyPurger(`${origin}/`).purge(
      ["shotcache-url-a", "shotcache-variant-b"],
      AbortSignal.timeout(5_000),
    );
    expect(received).toEqual([
      {
        method: "PURGE",
        url: "/",
        headers: expect.objectContaining({ "xkey-purge": "shotcache-url-a shotcache-variant-b" }),
      },
    ]);
  });

  it("fails when the CDN refuses", async () => {
    statuses.push(403);
    await expect(
      createXkeyPurger(`${origin}/`).purge(["t"], AbortSignal.timeout(5_000)),
    ).rejects.toThrow(/answered 403/);
  });
});

describe("SHOTCACHE_CDN_PURGE", () => {
  it("names one purger per entry", () => {
    const purgers = purgersFromConfig(` xkey:${origin}/ ,xkey:http://127.0.0.1:9/x `);
    expect(purgers.map((purger) => purger.name)).toEqual([
      `xkey:${new URL(origin).host}`,
      "xkey:127.0.0.1:9",
    ]);
    expect(purgersFromConfig("")).toEqual([]);
  });

  it.each(["akamai:zone", "xkey:not a url", "xkey:ftp://cache.internal/"])(
    "refuses %j, naming the entry",
    (entry) => {
      expect(() => purgersFromConfig(entry)).toThrow(entry);
    },
  );
});
