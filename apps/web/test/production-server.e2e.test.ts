import { readdirSync } from "node:fs";
import { get } from "node:http";
import { descendantsOf, survivorsAfter } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

/** Vary values only Next.js's page machinery adds; they mean nothing to an API answer. */
const FRAMEWORK_VARY = /rsc|next-router/i;

/** `n` characters that each take three when URL-encoded (`;` is `%3B`), inside a comment. */
const encodedHeavy = (n: number) => `/*${";".repeat(n - 4)}*/`;

describe.skipIf(!browserAvailable)("the production server's HTTP", () => {
  let env: AppUnderTest;
  const get = (path: string, init?: RequestInit) => fetch(`${env.app.origin}${path}`, init);
  const screenshotPath = (query = "") =>
    `/api/v1/screenshot?url=${encodeURIComponent(env.site.url("/stable"))}&width=320&height=200${query}`;

  beforeAll(async () => {
    env = await startAppUnderTest();
  });
  afterAll(() => env?.close());

  it("sends Content-Length on MISS and HIT images, and on JSON answers", async () => {
    const miss = await get(screenshotPath());
    const missBytes = (await miss.arrayBuffer()).byteLength;
    const hit = await get(screenshotPath());
    const hitBytes = (await hit.arrayBuffer()).byteLength;
    expect([miss.headers.get("x-cache"), hit.headers.get("x-cache")]).toEqual(["MISS", "HIT"]);
    expect(miss.headers.get("content-length")).toBe(String(missBytes));
    expect(hit.headers.get("content-length")).toBe(String(hitBytes));
    expect(hit.headers.get("transfer-encoding")).toBeNull();
    const health = await get("/api/health");
    expect(health.headers.get("content-length")).toBe(String((await health.text()).length));
  });

  it("adds no framework Vary to API answers, while the pages keep theirs", async () => {
    const rest = [screenshotPath(), "/api/health", "/api/v1/stats", "/api/openapi.json"];
    for (const path of rest) {
      const response = await get(path);
      await response.arrayBuffer();
      expect(response.headers.get("vary"), path).toBeNull();
    }
    // tRPC's answer does vary on how the client asks to read it, and says only that.
    const trpc = await get("/api/trpc/health");
    expect(trpc.status).toBe(200);
    expect(trpc.headers.get("vary")).toBe("trpc-accept, accept");
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("vary")).toMatch(FRAMEWORK_VARY);
  });

  it("serves a GET with css and js of 10,000 characters each, URL-encoded", async () => {
    const css = encodedHeavy(10_000);
    const js = encodedHeavy(10_000);
    const query = `&css=${encodeURIComponent(css)}&js=${encodeURIComponent(js)}`;
    expect(query.length).toBeGreaterThan(59_000);
    const response = await get(screenshotPath(query));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    // `js` is never cached.
    expect(response.headers.get("x-cache")).toBe("BYPASS");
  });

  it("answers a 100 KB query with 431 as a problem document", async () => {
    const response = await get(screenshotPath(`&css=${"a".repeat(100_000)}`));
    expect(response.status).toBe(431);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 431, code: "HEADERS_TOO_LARGE" });
  });

  it("answers an unknown API path with a 404 problem, not a page", async () => {
    const response = await get("/api/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe.skipIf(!browserAvailable)("the production server's shutdown", () => {
  it("finishes a render in flight on SIGTERM, refuses new work meanwhile, then exits 0", async () => {
    const env = await startAppUnderTest();
    try {
      const origin = env.app.origin;
      const slowPage = encodeURIComponent(env.site.url("/slow?ms=3000"));
      const inFlight = fetch(`${origin}/api/v1/screenshot?url=${slowPage}`).then(async (r) => ({
        status: r.status,
        bytes: (await r.arrayBuffer()).byteLength,
      }));
      // The render is under way once the browser has asked for the slow page.
      while (env.site.requestCount("/slow") === 0) await new Promise((r) => setTimeout(r, 50));

      const serverPid = env.app.process.pid ?? 0;
      const browserProcesses = descendantsOf(serverPid).filter((p) => /chrom/i.test(p.commandLine));
      expect(browserProcesses.length).toBeGreaterThan(0);
      const exited = env.app.stop(); // SIGTERM
      // Probes sent before the server has taken the signal would find it serving as usual.
      await expect.poll(() => env.app.output(), { timeout: 5_000 }).toContain('"msg":"draining"');

      // A balancer's health check sees the drain; new work is refused at once, never left hanging.
      // Each on a new connection, as a balancer's probe or a new caller comes: a pooled one may
      // be one the drain is closing as idle, which the client would see as closed.
      const answer = (path: string) =>
        new Promise<{ status: number | string; body?: unknown }>((resolve) => {
          const request = get(`${origin}${path}`, { agent: false, timeout: 5_000 }, (response) => {
            let text = "";
            response.on("data", (chunk) => {
              text += chunk;
            });
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
            );
          });
          request.on("timeout", () => {
            request.destroy();
            resolve({ status: "hung" });
          });
          request.on("error", () => resolve({ status: "closed" }));
        });
      const health = await answer("/api/health");
      expect(health).toMatchObject({ status: 503, body: { status: "draining" } });
      const refused = await answer(
        `/api/v1/screenshot?url=${encodeURIComponent(env.site.url("/"))}`,
      );
      expect(refused).toMatchObject({ status: 503, body: { code: "SHUTTING_DOWN" } });

      const result = await inFlight;
      expect(result.status).toBe(200);
      expect(result.bytes).toBeGreaterThan(0);
      expect(await exited).toBe(0);
      expect(await answer("/api/health")).toEqual({ status: "closed" });
      // Log lines are written in batches: the last ones are written as the process exits.
      expect(env.app.output().trim().split("\n").at(-1)).toContain('"msg":"stopped"');
      expect(await survivorsAfter(browserProcesses.map((p) => p.pid))).toEqual([]);
      expect(readdirSync(env.tempDir)).toEqual([]);
    } finally {
      await env.close();
    }
  });
});
