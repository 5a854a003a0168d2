import { CaptureError } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../../test/test-support";
import { restRequestFrom } from "./fetch-adapter";
import { handleScreenshot } from "./screenshot";

const PAGE = "https://a.test/page";

function get(query: string, init: RequestInit = {}) {
  return restRequestFrom(new Request(`http://shotcache.test/api/v1/screenshot?${query}`, init));
}

const asJson = (body: unknown) => JSON.parse(String(body));

describe("GET /api/v1/screenshot", () => {
  it("answers the image with MISS, then HIT with the same bytes and ETag, then 304", async () => {
    const { context } = createTestContext();
    const query = `url=${encodeURIComponent(PAGE)}`;
    const miss = await handleScreenshot(get(query), context);
    const hit = await handleScreenshot(get(query), context);

    expect(miss.status).toBe(200);
    expect(miss.headers).toMatchObject({ "content-type": "image/png", "x-cache": "MISS" });
    expect(miss.headers["x-render-time"]).toMatch(/^\d+$/);
    expect(hit.headers["x-cache"]).toBe("HIT");
    expect(hit.body).toEqual(miss.body);
    expect(hit.headers.etag).toBe(miss.headers.etag);
    expect(hit.headers["content-length"]).toBe(String((hit.body as Uint8Array).byteLength));

    const notModified = await handleScreenshot(
      get(query, { headers: { "if-none-match": String(hit.headers.etag) } }),
      context,
    );
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeNull();
    expect(notModified.headers.etag).toBe(hit.headers.etag);
  });

  it("says whether a render changed the image, and where its TTL came from", async () => {
    let clock = Date.parse("2026-06-01T10:00:00Z");
    const { context } = createTestContext({ now: () => clock });
    const query = `url=${encodeURIComponent(PAGE)}`;
    const first = await handleScreenshot(get(`${query}&refresh=true`), context);
    expect(first.headers["x-content-changed"]).toBeUndefined(); // nothing to compare with
    expect(first.headers["x-cache-ttl-source"]).toBe("default");
    clock += 5_000;
    // The text renderer draws the same options the same: an unchanged re-render.
    const again = await handleScreenshot(get(`${query}&refresh=true`), context);
    expect(again.headers).toMatchObject({
      "x-content-changed": "false",
      "x-cache-ttl-source": "adaptive",
      // Last-Modified is when the content last changed, not the render's time.
      "last-modified": "Mon, 01 Jun 2026 10:00:00 GMT",
      "x-cache-age": "0",
    });
    const unmodified = await handleScreenshot(
      get(query, { headers: { "if-modified-since": "Mon, 01 Jun 2026 10:00:00 GMT" } }),
      context,
    );
    expect(unmodified.status).toBe(304);
    const own = await handleScreenshot(get(`${query}&refresh=true&ttl=60`), context);
    expect(own.headers).toMatchObject({ "x-cache-ttl-source": "caller", "x-cache-ttl": "60" });
  });

  it("shares one entry between a request with defaults spelled out and one without", async () => {
    const { context, renderer } = createTestContext();
    await handleScreenshot(get(`url=${PAGE}`), context);
    const explicit = await handleScreenshot(get(`width=1280&url=${PAGE}&format=png`), context);
    expect(explicit.headers["x-cache"]).toBe("HIT");
    expect(renderer.renders).toBe(1);
  });

  it("renders the canonical URL, which every request sharing the entry asked for", async () => {
    const { context } = createTestContext();
    const url = encodeURIComponent("https://A.test/page?b=2&utm_source=mail&a=1#top");
    const response = await handleScreenshot(get(`url=${url}`), context);
    // The text renderer's "image" is the options it was given.
    expect(JSON.parse(new TextDecoder().decode(response.body as Uint8Array)).url).toBe(
      "https://a.test/page?a=1&b=2",
    );
  });

  it("answers HEAD with the headers and no body", async () => {
    const { context } = createTestContext();
    const head = await handleScreenshot(get(`url=${PAGE}`, { method: "HEAD" }), context);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers["content-type"]).toBe("image/png");
  });

  it.each([
    ["", "url"],
    ["url=ftp://a.test/file", "url"],
    [`url=${PAGE}&width=0`, "width"],
    [`url=${PAGE}&format=gif`, "format"],
    [`url=${PAGE}&height=abc`, "height"],
    [`url=${PAGE}&colour=red`, "colour"],
  ])("refuses ?%s with a 400 problem naming %s", async (query, field) => {
    const { context, renderer } = createTestContext();
    const response = await handleScreenshot(get(query), context);
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toBe("application/problem+json");
    const problem = asJson(response.body);
    expect(problem).toMatchObject({ status: 400, code: "INVALID_INPUT", title: "Invalid input" });
    expect(problem.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(renderer.renders).toBe(0);
  });

  it("refuses other methods with 405 and Allow", async () => {
    const { context } = createTestContext();
    const response = await handleScreenshot(get(`url=${PAGE}`, { method: "PUT" }), context);
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("GET, HEAD, POST");
    expect(asJson(response.body).code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answers a browser failure with its status and logs it on the server", async () => {
    const { context, renderer, unexpected } = createTestContext();
    renderer.failWith = new CaptureError(
      "BROWSER_UNAVAILABLE",
      "The browser could not be started.",
    );
    const response = await handleScreenshot(get(`url=${PAGE}`), context);
    expect(response.status).toBe(503);
    expect(asJson(response.body).code).toBe("BROWSER_UNAVAILABLE");
    expect(unexpected).toEqual([renderer.failWith]);
  });

  it("answers saturation with 503 and Retry-After", async () => {
    const { context, renderer } = createTestContext();
    renderer.failWith = new CaptureError("SATURATED", "Every render slot is busy.", {
      retryAfterSeconds: 3,
    });
    const response = await handleScreenshot(get(`url=${PAGE}`), context);
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toBe("3");
    expect(asJson(response.body).code).toBe("SATURATED");
  });

  it("does not cache a failed render", async () => {
    const { context, renderer } = createTestContext();
    renderer.failWith = new Error("boom");
    expect((await handleScreenshot(get(`url=${PAGE}`), context)).status).toBe(500);
    renderer.failWith = undefined;
    const retry = await handleScreenshot(get(`url=${PAGE}`), context);
    expect(retry.headers["x-cache"]).toBe("MISS");
    expect(renderer.renders).toBe(2);
  });
});
