import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCloudflarePurger } from "./cloudflare-purger";
import { createFastlyPurger } from "./fastly-purger";
import { purgersFromConfig } from "./purgers-from-config";
import { createUrlPurger } from "./url-purger";
import { createXkeyPurger } from "./xkey-purger";

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A loopback stand-in for a CDN or a CDN's API (the real ones are on the internet): it records
 * every request whole and answers each with the next queued answer, else 200 `{"success":true}`.
 */
const received: Received[] = [];
const answers: { status: number; body: string }[] = [];
const cdn = createServer(async (request, response) => {
  let body = "";
  for await (const chunk of request) body += chunk;
  received.push({ method: request.method, url: request.url, headers: request.headers, body });
  const answer = answers.shift() ?? { status: 200, body: '{"success":true,"errors":[]}' };
  response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
});
let origin = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => cdn.close(resolve)));
beforeEach(() => {
  received.length = 0;
  answers.length = 0;
});

const signal = () => AbortSignal.timeout(5_000);
const TAGS = ["shotcache-url-a", "shotcache-variant-b"];
const publicUrl = (n: number) =>
  `https://shots.example/api/v1/screenshot?url=x&width=${n}&signature=s`;

describe("the xkey purger", () => {
  it("sends one PURGE with the tags, space-separated, in xkey-purge", async () => {
    await createXkeyPurger(`${origin}/`).purge({ tags: TAGS, urls: [] }, signal());
    expect(received).toEqual([
      expect.objectContaining({
        method: "PURGE",
        url: "/",
        headers: expect.objectContaining({ "xkey-purge": TAGS.join(" ") }),
      }),
    ]);
  });

  it("fails when the cache refuses", async () => {
    answers.push({ status: 403, body: "Forbidden" });
    await expect(
      createXkeyPurger(`${origin}/`).purge({ tags: TAGS, urls: [] }, signal()),
    ).rejects.toThrow(/answered 403/);
  });
});

describe("the url purger", () => {
  it("sends PURGE <prefix><path>?<query> for each public URL, and takes 404 as not held", async () => {
    answers.push({ status: 200, body: "" }, { status: 404, body: "" });
    await createUrlPurger(`${origin}/__purge/`).purge(
      { tags: TAGS, urls: [publicUrl(1), publicUrl(2)] },
      signal(),
    );
    expect(received.map((request) => [request.method, request.url])).toEqual([
      ["PURGE", "/__purge/api/v1/screenshot?url=x&width=1&signature=s"],
      ["PURGE", "/__purge/api/v1/screenshot?url=x&width=2&signature=s"],
    ]);
  });

  it("fails when a purge fails, after trying every URL, and names none of their queries", async () => {
    answers.push({ status: 500, body: "" });
    const purge = createUrlPurger(`${origin}/__purge`).purge(
      { tags: [], urls: [publicUrl(1), "http://a b/not a URL", publicUrl(2)] },
      signal(),
    );
    await expect(purge).rejects.toThrow(/\/__purge\/api\/v1\/screenshot answered 500/);
    await expect(purge).rejects.not.toThrow(/signature/);
    expect(received).toHaveLength(2);
  });
});

describe("the Cloudflare purger", () => {
  const purger = () =>
    createCloudflarePurger({
      zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
      token: "cf-token",
      apiUrl: origin,
    });

  it("purges by cache tag as the API documents it", async () => {
    await purger().purge({ tags: TAGS, urls: [publicUrl(1)] }, signal());
    expect(received).toEqual([
      {
        method: "POST",
        url: "/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache",
        headers: expect.objectContaining({
          authorization: "Bearer cf-token",
          "content-type": "application/json",
        }),
        body: JSON.stringify({ tags: TAGS }),
      },
    ]);
  });

  it("falls back to the public URLs, 30 a request, when tags are refused", async () => {
    answers.push({
      status: 400,
      body: '{"success":false,"errors":[{"code":1134,"message":"purge by tag is not allowed"}]}',
    });
    const urls = Array.from({ length: 31 }, (_, index) => publicUrl(index));
    await purger().purge({ tags: TAGS, urls }, signal());
    expect(received.map((request) => JSON.parse(request.body))).toEqual([
      { tags: TAGS },
      { files: urls.slice(0, 30) },
      { files: urls.slice(30) },
    ]);
  });

  it("fails with Cloudflare's own words when nothing works, even on a 200", async () => {
    const refused = '{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}';
    answers.push({ status: 200, body: refused });
    await expect(purger().purge({ tags: TAGS, urls: [] }, signal())).rejects.toThrow(
      /Authentication error/,
    );
  });
});

describe("the Fastly purger", () => {
  it("purges every tag in one batch request, as the API documents it", async () => {
    answers.push({
      status: 200,
      body: '{"shotcache-url-a":"108-1","shotcache-variant-b":"108-2"}',
    });
    await createFastlyPurger({
      serviceId: "SU1Z0isxPaozGVKXdv0eY",
      token: "fastly-token",
      apiUrl: origin,
    }).purge({ tags: TAGS, urls: [] }, signal());
    expect(received).toEqual([
      {
        method: "POST",
        url: "/service/SU1Z0isxPaozGVKXdv0eY/purge",
        headers: expect.objectContaining({
          "fastly-key": "fastly-token",
          "content-type": "application/json",
        }),
        body: JSON.stringify({ surrogate_keys: TAGS }),
      },
    ]);
  });

  it("fails when Fastly refuses", async () => {
    answers.push({ status: 401, body: '{"msg":"Provided credentials are missing or invalid"}' });
    await expect(
      createFastlyPurger({ serviceId: "s", token: "bad", apiUrl: origin }).purge(
        { tags: TAGS, urls: [] },
        signal(),
      ),
    ).rejects.toThrow(/answered 401/);
  });
});

describe("SHOTCACHE_CDN_PURGE", () => {
  it("names one purger per entry", () => {
    const purgers = purgersFromConfig(
      ` xkey:${origin}/ ,url:http://127.0.0.1:9/__purge, cloudflare:zone1,fastly:service-2`,
      { cloudflare: { token: "t" }, fastly: { token: "t" } },
    );
    expect(purgers.map((purger) => [purger.name, purger.byUrl ?? false])).toEqual([
      [`xkey:${new URL(origin).host}`, false],
      ["url:127.0.0.1:9", true],
      ["cloudflare:zone1", true],
      ["fastly:service-2", false],
    ]);
    expect(purgersFromConfig("")).toEqual([]);
  });

  it.each([
    ["akamai:zone", "the kinds are"],
    ["xkey:not a url", "Invalid URL"],
    ["url:ftp://cache.internal/", "http or https"],
    ["cloudflare:zone/../x", "identifier"],
    ["cloudflare:zone1", "SHOTCACHE_CLOUDFLARE_API_TOKEN"],
    ["fastly:service", "SHOTCACHE_FASTLY_API_TOKEN"],
  ])("refuses %j, naming the entry and why", (entry, why) => {
    expect(() => purgersFromConfig(entry)).toThrow(entry);
    expect(() => purgersFromConfig(entry)).toThrow(why);
  });
});
