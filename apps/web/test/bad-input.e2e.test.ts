import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, startApp } from "./app-under-test";

const PAGE = "http://127.0.0.1:9/page"; // never fetched: every request below is refused first
const q = (query: string) => ({ path: `/api/v1/screenshot?${query}` });
const withUrl = (query: string) => q(`url=${encodeURIComponent(PAGE)}&${query}`);
const post = (body: string, contentType = "application/json") => ({
  path: "/api/v1/screenshot",
  init: { method: "POST", headers: { "content-type": contentType }, body },
});

/** Requests a careless or hostile caller might send; each must get a 4xx problem, never a 5xx. */
const CORPUS: [string, { path: string; init?: RequestInit }][] = [
  ["no url", q("width=800")],
  ["an ftp url", q("url=ftp://example.com/file")],
  ["a javascript url", q("url=javascript:alert(1)")],
  ["a file url", q("url=file:///etc/passwd")],
  ["text that is no url", q("url=not%20a%20url")],
  ["an empty url", q("url=")],
  ["an url of 3000 characters", q(`url=${encodeURIComponent(`${PAGE}?${"a".repeat(3000)}`)}`)],
  ["width 0", withUrl("width=0")],
  ["a negative width", withUrl("width=-5")],
  ["a width in words", withUrl("width=wide")],
  ["an enormous width", withUrl("width=1000000000")],
  ["a fractional width", withUrl("width=100.5")],
  ["a height too tall", withUrl("height=99999")],
  ["scale 10", withUrl("scale=10")],
  ["a scale in words", withUrl("scale=big")],
  ["fullPage maybe", withUrl("fullPage=maybe")],
  ["format gif", withUrl("format=gif")],
  ["format in capitals", withUrl("format=PNG")],
  ["quality 0", withUrl("format=jpeg&quality=0")],
  ["quality 101", withUrl("format=jpeg&quality=101")],
  ["quality for png", withUrl("quality=50")],
  ["an unknown waitUntil", withUrl("waitUntil=never")],
  ["a negative delay", withUrl("delay=-1")],
  ["a delay of a day", withUrl("delay=86400000")],
  ["an empty selector", withUrl("selector=")],
  ["a selector with a CSS block", withUrl(`selector=${encodeURIComponent("a { color: red }")}`)],
  ["21 hidden selectors", withUrl(Array(21).fill("hideSelectors=.ad").join("&"))],
  ["css over 10 000 characters", withUrl(`css=${"x".repeat(10_001)}`)],
  ["a user agent of 600 characters", withUrl(`userAgent=${"u".repeat(600)}`)],
  ["a timeout of 10 ms", withUrl("timeout=10")],
  ["a negative ttl", withUrl("ttl=-1")],
  ["a stale window in words", withUrl("staleWhileRevalidate=long")],
  ["a cache key with spaces", withUrl("cacheKey=has%20space")],
  ["an unknown option", withUrl("colour=red")],
  ["the url twice", q(`url=${encodeURIComponent(PAGE)}&url=${encodeURIComponent(PAGE)}`)],
  ["a 100 KB query string", withUrl(`padding=${"p".repeat(100 * 1024)}`)],
  ["an unknown time zone", withUrl("timezone=Mars%2FOlympus_Mons")],
  ["a malformed locale", withUrl("locale=not%20a%20locale!")],
  ["latitude 91", withUrl("geolocation=91,0")],
  ["a position in words", withUrl("geolocation=north%20pole")],
  ["21 cookies", withUrl(Array.from({ length: 21 }, (_, i) => `cookies=c${i}%3D1`).join("&"))],
  ["a cookie without a value", withUrl("cookies=session")],
  [
    "a cookie for another site",
    post(`{"url":"${PAGE}","cookies":[{"name":"a","value":"1","domain":"evil.test"}]}`),
  ],
  ["PUT", { path: `/api/v1/screenshot?url=${PAGE}`, init: { method: "PUT" } }],
  [
    "DELETE on the screenshot",
    { path: `/api/v1/screenshot?url=${PAGE}`, init: { method: "DELETE" } },
  ],
  ["PATCH on stats", { path: "/api/v1/stats", init: { method: "PATCH" } }],
  ["malformed JSON", post("{url:")],
  ["a text/plain body", post(`{"url":"${PAGE}"}`, "text/plain")],
  ["no content type", post(`{"url":"${PAGE}"}`, "")],
  ["a JSON array", post("[1,2,3]")],
  ["JSON null", post("null")],
  ["an unknown field in JSON", post(`{"url":"${PAGE}","colour":"red"}`)],
  ["a width as a string in JSON", post(`{"url":"${PAGE}","width":"800"}`)],
  ["css of 70 KB in a body", post(`{"url":"${PAGE}","css":"${"x".repeat(70 * 1024)}"}`)],
  ["a body over 6 MB", post(`{"url":"${PAGE}","css":"${"x".repeat(6.5 * 1024 * 1024)}"}`)],
  ["url and html together", post(`{"url":"${PAGE}","html":"<h1>hi</h1>"}`)],
  ["3 MB of html", post(JSON.stringify({ html: "x".repeat(3 * 1024 * 1024) }))],
  ["a purge without url", { path: "/api/v1/cache", init: { method: "DELETE" } }],
  ["a purge of an ftp url", { path: "/api/v1/cache?url=ftp://x", init: { method: "DELETE" } }],
  ["stats hours in words", { path: "/api/v1/stats?hours=many" }],
  ["stats hours past a week", { path: "/api/v1/stats?hours=1000" }],
  [
    "the webhook while it is off",
    { path: "/api/v1/invalidate", init: { method: "POST", body: "{}" } },
  ],
];

describe.skipIf(!browserAvailable)("bad input through the production server", () => {
  let env: RunningApp;
  beforeAll(async () => {
    env = await startApp();
  });
  afterAll(() => env?.stop());

  it(`has a corpus of at least 40 requests (${CORPUS.length})`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CORPUS)("answers %s with a 4xx problem document", async (_name, { path, init }) => {
    const response = await fetch(`${env.app.origin}${path}`, init);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    // Node refuses a request line past its header limit itself (431), before any handler runs.
    if (response.status === 431) return;
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = await response.json();
    expect(problem).toMatchObject({ status: response.status, code: expect.any(String) });
    expect(JSON.stringify(problem)).not.toMatch(/\bat \S+:\d+:\d+/); // no stack trace
  });

  it.each([
    ["timezone=Mars%2FOlympus_Mons", "timezone"],
    ["locale=not%20a%20locale!", "locale"],
    ["geolocation=91,0", "geolocation.latitude"],
    ["geolocation=0,181", "geolocation.longitude"],
    [Array.from({ length: 21 }, (_, i) => `cookies=c${i}%3D1`).join("&"), "cookies"],
  ])("names the field of a bad visitor setting: %s", async (query, field) => {
    const response = await fetch(`${env.app.origin}${withUrl(query).path}`);
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem.errors.map((error: { field?: string }) => error.field)).toContain(field);
  });

  it.each([
    ["url and html together", { url: PAGE, html: "<h1>hi</h1>" }, "html"],
    ["3 MB of html", { html: "x".repeat(3 * 1024 * 1024) }, "html"],
    ["neither url nor html", { width: 800 }, "url"],
    [
      "a cookie for another site",
      { url: PAGE, cookies: [{ name: "a", value: "1", domain: "evil.test" }] },
      "cookies.0.domain",
    ],
  ])("names the field of a bad body: %s", async (_name, body, field) => {
    const { path, init } = post(JSON.stringify(body));
    const response = await fetch(`${env.app.origin}${path}`, init);
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem.errors.map((error: { field?: string }) => error.field)).toContain(field);
  });

  it("answers a tRPC body over 64 KB with 413", async () => {
    const response = await fetch(`${env.app.origin}/api/trpc/cache.purge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `${PAGE}?${"x".repeat(100 * 1024)}` }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.data.errorCode).toBe("PAYLOAD_TOO_LARGE");
  });
});
