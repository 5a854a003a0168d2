import { CaptureError, type CaptureInput } from "@shotcache/core";
import { createMemoryStore } from "@shotcache/store";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../test/test-support";
import { parseApiKey } from "./access";
import { handleTrpcRequest, MAX_TRPC_BODY_BYTES } from "./trpc-handler";

const URL_A = "https://a.test/page";

function query(path: string, input?: unknown, headers: Record<string, string> = {}) {
  const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return new Request(`http://shotcache.test/api/trpc/${path}${search}`, { headers });
}

function mutation(path: string, input: unknown) {
  return new Request(`http://shotcache.test/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
}

async function call(setup: ReturnType<typeof createTestContext>, request: Request) {
  const response = await handleTrpcRequest(request, setup.context);
  const text = await response.text();
  return { response, body: text ? JSON.parse(text) : undefined };
}

const capture = (setup: ReturnType<typeof createTestContext>, input: CaptureInput) =>
  call(setup, query("screenshot.capture", input));

describe("tRPC over Fetch", () => {
  it("answers a miss, then a hit with the same image, ETag and cache headers", async () => {
    const setup = createTestContext();
    const first = await capture(setup, { url: URL_A });
    const second = await capture(setup, { url: URL_A });

    expect(first.body.result.data.cache.status).toBe("MISS");
    expect(second.body.result.data.cache.status).toBe("HIT");
    expect(second.body.result.data.image).toBe(first.body.result.data.image);
    expect(second.response.headers.get("etag")).toBe(`W/${first.body.result.data.etag}`);
    expect(second.response.headers.get("x-cache")).toBe("HIT");
    expect(second.response.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    expect(setup.renderer.renders).toBe(1);
  });

  it("answers 304 with no body when the caller holds the current ETag", async () => {
    const setup = createTestContext();
    const { body } = await capture(setup, { url: URL_A });
    const response = await handleTrpcRequest(
      query("screenshot.capture", { url: URL_A }, { "if-none-match": body.result.data.etag }),
      setup.context,
    );
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    expect(response.headers.get("etag")).toBe(`W/${body.result.data.etag}`);
    expect(response.headers.get("x-cache")).toBe("HIT");
    expect(response.headers.get("content-type")).toBeNull();
  });

  it("sets no per-capture headers on a batch, where they would describe only one call", async () => {
    const setup = createTestContext();
    const input = encodeURIComponent(JSON.stringify({ 0: { url: URL_A }, 1: { url: URL_A } }));
    const response = await handleTrpcRequest(
      new Request(
        `http://shotcache.test/api/trpc/screenshot.capture,screenshot.capture?batch=1&input=${input}`,
      ),
      setup.context,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBeNull();
  });

  it("renders once for concurrent captures of one key", async () => {
    const setup = createTestContext();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => capture(setup, { url: URL_A })),
    );
    expect(setup.renderer.renders).toBe(1);
    expect(new Set(results.map((r) => r.body.result.data.etag)).size).toBe(1);
    const { body } = await call(setup, query("stats.get"));
    expect(body.result.data).toMatchObject({ misses: 1, requests: 10 });
    expect(body.result.data.coalesced + body.result.data.hits).toBe(9);
  });

  it("purges every variant of a URL, and only that URL", async () => {
    const setup = createTestContext();
    const variants: CaptureInput[] = [
      { url: URL_A },
      { url: URL_A, width: 800 },
      { url: URL_A, format: "jpeg", quality: 60 },
      { url: `${URL_A}#fragment`, fullPage: true },
    ];
    for (const variant of variants) await capture(setup, variant);
    await capture(setup, { url: "https://b.test/" });

    const purge = await call(setup, mutation("cache.purge", { url: URL_A }));
    expect(purge.body.result.data).toEqual({ purged: 4, cdn: [] });

    for (const variant of variants) {
      expect((await capture(setup, variant)).body.result.data.cache.status).toBe("MISS");
    }
    expect((await capture(setup, { url: "https://b.test/" })).body.result.data.cache.status).toBe(
      "HIT",
    );
  });

  it("inspects the variants of a URL", async () => {
    const setup = createTestContext();
    await capture(setup, { url: URL_A });
    await capture(setup, { url: URL_A, width: 640 });
    const { body } = await call(setup, query("cache.inspect", { url: `${URL_A}#x` }));
    const variants = body.result.data;
    expect(variants).toHaveLength(2);
    expect(variants[0]).toMatchObject({
      contentType: "image/png",
      ageSeconds: 0,
      ttlSeconds: 900,
      size: expect.any(Number),
    });
  });

  it("counts hits and misses in stats", async () => {
    const setup = createTestContext();
    await capture(setup, { url: URL_A });
    await capture(setup, { url: URL_A });
    await capture(setup, { url: URL_A });
    await capture(setup, { url: URL_A, width: 640 });
    const { body } = await call(setup, query("stats.get", { hours: 2 }));
    expect(body.result.data).toMatchObject({ hits: 2, misses: 2, requests: 4, hitRate: 0.5 });
    expect(body.result.data.hourly).toHaveLength(2);
    expect(body.result.data.hourly[1]).toMatchObject({ hits: 2, misses: 2 });
    expect(body.result.data.hoursTotal).toMatchObject({ requests: 4, hitRate: 0.5 });
    expect(body.result.data.latencyMs.HIT.count).toBe(2);
    expect(body.result.data.storage.entries).toBe(2);
  });

  it("lists recent purges in stats, newest first", async () => {
    const setup = createTestContext();
    await capture(setup, { url: URL_A });
    await capture(setup, { url: URL_A, width: 640 });
    await call(setup, mutation("cache.purge", { url: URL_A, options: { width: 640 } }));
    await call(setup, mutation("cache.purge", { url: URL_A }));
    const { body } = await call(setup, query("stats.get"));
    expect(body.result.data.recentPurges).toEqual([
      { url: URL_A, scope: "url", purged: 1, at: expect.any(String) },
      { url: URL_A, scope: "variant", purged: 1, at: expect.any(String) },
    ]);
    expect(Date.parse(body.result.data.recentPurges[0].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each([
    [{}, "url"],
    [{ url: "ftp://a.test/" }, "url"],
    [{ url: URL_A, width: 0 }, "width"],
    [{ url: URL_A, format: "gif" }, "format"],
    [{ url: URL_A, height: "tall" }, "height"],
  ])("refuses %j with BAD_REQUEST naming %s", async (input, field) => {
    const setup = createTestContext();
    const { response, body } = await capture(setup, input as CaptureInput);
    expect(response.status).toBe(400);
    expect(body.error.data).toMatchObject({ code: "BAD_REQUEST", errorCode: "INVALID_INPUT" });
    expect(body.error.data.fieldErrors.map((e: { field: string }) => e.field)).toContain(field);
    expect(setup.renderer.renders).toBe(0);
  });

  it("maps a capture failure to its code and status", async () => {
    const setup = createTestContext();
    setup.renderer.failWith = new CaptureError("TARGET_HTTP_ERROR", "The page answered 404.", {
      field: "url",
    });
    const { response, body } = await capture(setup, { url: URL_A });
    expect(response.status).toBe(422);
    expect(body.error.message).toBe("The page answered 404.");
    expect(body.error.data).toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
      errorCode: "TARGET_HTTP_ERROR",
      fieldErrors: [{ field: "url" }],
    });
  });

  it("asks for an API key for purge and stats when keys are configured", async () => {
    const key = "k".repeat(24);
    const setup = createTestContext({}, { keys: [parseApiKey(key)], captureRequiresKey: false });
    const withKey = (request: Request, value: string) => {
      request.headers.set("authorization", `Bearer ${value}`);
      return request;
    };
    const none = await call(setup, mutation("cache.purge", { url: URL_A }));
    expect([none.response.status, none.body.error.data.errorCode]).toEqual([401, "UNAUTHORIZED"]);
    const wrong = await call(setup, withKey(query("stats.get"), "w".repeat(24)));
    expect([wrong.response.status, wrong.body.error.data.errorCode]).toEqual([403, "FORBIDDEN"]);
    const right = await call(setup, withKey(query("stats.get"), key));
    expect(right.response.status).toBe(200);
    expect((await capture(setup, { url: URL_A })).response.status).toBe(200); // captures stay open
  });

  it("refuses to sign cookies into a public URL, naming them", async () => {
    const setup = createTestContext();
    setup.context.signingSecret = "s".repeat(32);
    const options = { url: URL_A, cookies: ["session=s3cret"] };
    const { response, body } = await call(setup, mutation("screenshot.sign", { options }));
    expect(response.status).toBe(400);
    expect(body.error.data.fieldErrors).toEqual([
      expect.objectContaining({ field: "options.cookies" }),
    ]);
    expect(JSON.stringify(body)).not.toContain("s3cret");
  });

  it("refuses a body over the limit with 413", async () => {
    const setup = createTestContext();
    const url = `${URL_A}?${"x".repeat(MAX_TRPC_BODY_BYTES)}`;
    const { response, body } = await call(setup, mutation("cache.purge", { url }));
    expect([response.status, body.error.data.errorCode]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    // Just under the limit, the body is read and checked as usual (this URL is too long).
    const small = await call(
      setup,
      mutation("cache.purge", { url: `${URL_A}?${"x".repeat(3000)}` }),
    );
    expect([small.response.status, small.body.error.data.errorCode]).toEqual([
      400,
      "INVALID_INPUT",
    ]);
  });

  it("answers saturation with 503 and Retry-After", async () => {
    const setup = createTestContext();
    setup.renderer.failWith = new CaptureError("SATURATED", "busy", { retryAfterSeconds: 4 });
    const { response, body } = await capture(setup, { url: URL_A });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("4");
    expect(body.error.data.errorCode).toBe("SATURATED");
  });

  it("keeps the details of an unexpected failure on the server", async () => {
    const setup = createTestContext();
    setup.renderer.failWith = new Error("secret internals at /srv/app.js:12");
    const { response, body } = await capture(setup, { url: URL_A });
    expect(response.status).toBe(500);
    expect(JSON.stringify(body)).not.toContain("secret");
    expect(body.error.data.errorCode).toBe("INTERNAL");
    expect(setup.unexpected).toHaveLength(1);
  });

  it("re-renders an entry whose TTL has passed", async () => {
    let now = 1_000_000;
    const setup = createTestContext({ now: () => now });
    await capture(setup, { url: URL_A });
    now += 14 * 60 * 1000;
    const fresh = await capture(setup, { url: URL_A });
    expect(fresh.body.result.data.cache).toMatchObject({
      status: "HIT",
      ageSeconds: 840,
      ttlSeconds: 60,
    });
    now += 61 * 1000;
    expect((await capture(setup, { url: URL_A })).body.result.data.cache.status).toBe("MISS");
    expect(setup.renderer.renders).toBe(2);
  });

  it("serves the render with BYPASS when the store fails", async () => {
    const broken = createMemoryStore();
    broken.get = () => Promise.reject(new Error("store down"));
    broken.set = () => Promise.reject(new Error("store down"));
    const setup = createTestContext({ store: broken });
    const { response, body } = await capture(setup, { url: URL_A });
    expect(response.status).toBe(200);
    expect(body.result.data.cache).toMatchObject({
      status: "BYPASS",
      reason: "store-unavailable",
      ttlSeconds: 0,
    });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
