import { createMemoryRateLimiter } from "@shotcache/store";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../../test/test-support";
import { parseApiKey } from "../access";
import { handleCachePurge } from "./cache";
import { restRequestFrom } from "./fetch-adapter";
import { handleScreenshot, MAX_OPTIONS_BODY_BYTES } from "./screenshot";
import { handleStats } from "./stats";
import type { RestHandler, RestResponse } from "./types";

const KEY = "k".repeat(24);
const PAGE = "https://a.test/page";

const call = (
  handler: RestHandler<ReturnType<typeof createTestContext>["context"]>,
  context: ReturnType<typeof createTestContext>["context"],
  path: string,
  init: RequestInit = {},
) => handler(restRequestFrom(new Request(`http://shotcache.test${path}`, init)), context);

const codeOf = (response: RestResponse) =>
  response.body ? JSON.parse(String(response.body)).code : undefined;

describe("POST /api/v1/screenshot", () => {
  const post = (body: string, contentType = "application/json") => ({
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });

  it("takes the options as JSON", async () => {
    const { context } = createTestContext();
    const response = await call(
      handleScreenshot,
      context,
      "/api/v1/screenshot",
      post(JSON.stringify({ url: PAGE, width: 800, hideSelectors: [".ad"] })),
    );
    expect(response.status).toBe(200);
    expect(response.headers["x-cache"]).toBe("MISS");
  });

  it.each([
    ["not JSON", post("{url:"), 400, "INVALID_INPUT"],
    ["another media type", post(`{"url":"${PAGE}"}`, "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [
      "an oversized body",
      post(`{"css":"${"x".repeat(MAX_OPTIONS_BODY_BYTES)}"}`),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    ["invalid options", post('{"url":"ftp://a.test"}'), 400, "INVALID_INPUT"],
  ])("refuses %s", async (_name, init, status, code) => {
    const { context, renderer } = createTestContext();
    const response = await call(handleScreenshot, context, "/api/v1/screenshot", init);
    expect([response.status, codeOf(response)]).toEqual([status, code]);
    expect(renderer.renders).toBe(0);
  });
});

describe("DELETE /api/v1/cache and GET /api/v1/stats", () => {
  it("purges every variant of a URL, or one variant", async () => {
    const { context } = createTestContext();
    for (const query of ["", "&width=800", "&format=webp"]) {
      await call(handleScreenshot, context, `/api/v1/screenshot?url=${PAGE}${query}`);
    }
    const one = await call(handleCachePurge, context, `/api/v1/cache?url=${PAGE}&width=800`, {
      method: "DELETE",
    });
    expect(JSON.parse(String(one.body))).toEqual({ purged: 1, cdn: [] });
    const all = await call(handleCachePurge, context, `/api/v1/cache?url=${PAGE}`, {
      method: "DELETE",
    });
    expect(JSON.parse(String(all.body))).toEqual({ purged: 2, cdn: [] });
    const bad = await call(handleCachePurge, context, "/api/v1/cache?url=ftp://x", {
      method: "DELETE",
    });
    expect([bad.status, codeOf(bad)]).toEqual([400, "INVALID_INPUT"]);
  });

  it("reports the statistics, with the hours asked for", async () => {
    const { context } = createTestContext();
    await call(handleScreenshot, context, `/api/v1/screenshot?url=${PAGE}`);
    const response = await call(handleStats, context, "/api/v1/stats?hours=3");
    const stats = JSON.parse(String(response.body));
    expect(response.status).toBe(200);
    expect(stats).toMatchObject({ misses: 1, requests: 1 });
    expect(stats.hourly).toHaveLength(3);
    const bad = await call(handleStats, context, "/api/v1/stats?hours=0");
    expect([bad.status, codeOf(bad)]).toEqual([400, "INVALID_INPUT"]);
  });
});

describe("API keys", () => {
  const keyed = (captureRequiresKey: boolean) =>
    createTestContext({}, { keys: [parseApiKey(KEY)], captureRequiresKey }).context;
  const endpoints: [string, RestHandler<ReturnType<typeof keyed>>, string, string][] = [
    ["capture", handleScreenshot, `/api/v1/screenshot?url=${PAGE}`, "GET"],
    ["purge", handleCachePurge, `/api/v1/cache?url=${PAGE}`, "DELETE"],
    ["stats", handleStats, "/api/v1/stats", "GET"],
  ];
  const headersFor = (key: "none" | "wrong" | "right"): Record<string, string> =>
    key === "none" ? {} : { authorization: `Bearer ${key === "right" ? KEY : "w".repeat(24)}` };

  it.each(endpoints)(
    "%s: no key → 401, wrong key → 403, right key → 200",
    async (name, handler, path, method) => {
      const context = keyed(true);
      const statusFor = async (key: "none" | "wrong" | "right") =>
        (await call(handler, context, path, { method, headers: headersFor(key) })).status;
      expect(
        [await statusFor("none"), await statusFor("wrong"), await statusFor("right")],
        name,
      ).toEqual([401, 403, 200]);
      const refused = await call(handler, context, path, { method });
      expect(refused.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(codeOf(refused)).toBe("UNAUTHORIZED");
    },
  );

  it("leaves captures open unless the server requires a key for them", async () => {
    const response = await call(handleScreenshot, keyed(false), `/api/v1/screenshot?url=${PAGE}`);
    expect(response.status).toBe(200);
  });
});

describe("rate limits", () => {
  it("refuse the capture over the limit with 429, Retry-After and RateLimit headers", async () => {
    const setup = createTestContext();
    setup.context.rateLimits = { anonymous: createMemoryRateLimiter({ limit: 2 }) };
    const responses = [];
    for (let i = 0; i < 3; i++) {
      responses.push(await call(handleScreenshot, setup.context, `/api/v1/screenshot?url=${PAGE}`));
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(responses[0]?.headers).toMatchObject({
      "ratelimit-limit": "2",
      "ratelimit-remaining": "1",
    });
    const refused = responses[2];
    expect(refused && codeOf(refused)).toBe("RATE_LIMITED");
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThan(0);
    expect(setup.renderer.renders).toBe(1);
  });

  it("count key holders apart from anonymous callers, by key", async () => {
    const setup = createTestContext({}, { keys: [parseApiKey(KEY)], captureRequiresKey: false });
    setup.context.rateLimits = {
      anonymous: createMemoryRateLimiter({ limit: 1 }),
      keyed: createMemoryRateLimiter({ limit: 5 }),
    };
    const anonymous = () => call(handleScreenshot, setup.context, `/api/v1/screenshot?url=${PAGE}`);
    const keyed = () =>
      call(handleScreenshot, setup.context, `/api/v1/screenshot?url=${PAGE}`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
    expect([(await anonymous()).status, (await anonymous()).status]).toEqual([200, 429]);
    expect([(await keyed()).status, (await keyed()).status]).toEqual([200, 200]);
  });

  it("count a key once, however its header is spelled", async () => {
    const setup = createTestContext({}, { keys: [parseApiKey(KEY)], captureRequiresKey: false });
    setup.context.rateLimits = { keyed: createMemoryRateLimiter({ limit: 2 }) };
    const statuses = [];
    for (const header of [`Bearer ${KEY}`, `bearer ${KEY}`, `Bearer  ${KEY} `]) {
      const response = await call(
        handleScreenshot,
        setup.context,
        `/api/v1/screenshot?url=${PAGE}`,
        {
          headers: { authorization: header },
        },
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
