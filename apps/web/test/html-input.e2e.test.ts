import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, startApp } from "./app-under-test";

const CARD = '<!doctype html><body style="margin:0;background:#0a0"><h1>OG card</h1></body>';

describe.skipIf(!browserAvailable)("html instead of a url, end to end", () => {
  let env: RunningApp;
  const capture = (html: string, headers: Record<string, string> = {}) =>
    fetch(`${env.app.origin}/api/v1/screenshot`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ html, width: 600, height: 315 }),
    });
  beforeAll(async () => {
    env = await startApp();
  });
  afterAll(() => env?.stop());

  it("renders, caches (MISS, HIT, 304) and purges by its markup", async () => {
    const first = await capture(CARD);
    expect([first.status, first.headers.get("x-cache")]).toEqual([200, "MISS"]);
    expect(first.headers.get("content-type")).toBe("image/png");
    const etag = first.headers.get("etag") ?? "";
    const again = await capture(CARD);
    expect([again.status, again.headers.get("x-cache"), again.headers.get("etag")]).toEqual([
      200,
      "HIT",
      etag,
    ]);
    // A POST always gets the image (RFC 9110 §13.1); the same markup read by GET revalidates.
    const read = (headers: Record<string, string> = {}) =>
      fetch(
        `${env.app.origin}/api/v1/screenshot?width=600&height=315&html=${encodeURIComponent(CARD)}`,
        { headers },
      );
    expect((await read()).headers.get("etag")).toBe(etag);
    expect((await read({ "if-none-match": etag })).status).toBe(304);
    expect((await capture(`${CARD}<p>other</p>`)).headers.get("x-cache")).toBe("MISS");

    const purge = await fetch(`${env.app.origin}/api/trpc/cache.purge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ html: CARD }),
    });
    expect((await purge.json()).result.data.purged).toBe(1);
    expect((await capture(CARD)).headers.get("x-cache")).toBe("MISS");
  });
});
