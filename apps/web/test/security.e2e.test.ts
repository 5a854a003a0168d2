import { signCapture } from "@shotcache/api";
import { createShotcacheClient } from "@shotcache/sdk";
import { clearOfWindowEdge, type FixtureSite, startFixtureSite } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserAvailable,
  logLines,
  type RunningApp,
  signedWebhook,
  startApp,
} from "./app-under-test";

const KEY = "shotcache-test-key-0123456789";
const SECRET = "shotcache-test-secret-0123456789abcdef";

describe.skipIf(!browserAvailable)(
  "API keys, signed URLs and the webhook through the production server",
  () => {
    let env: RunningApp;
    let site: FixtureSite;
    const call = (path: string, init: RequestInit = {}) => fetch(`${env.app.origin}${path}`, init);
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const forwardedFrom = (address: string) => ({ headers: { "x-forwarded-for": address } });
    const trpcCapture = (app: RunningApp) => {
      const input = encodeURIComponent(JSON.stringify({ url: site.url("/stable") }));
      return `${app.app.origin}/api/trpc/screenshot.capture?input=${input}`;
    };

    beforeAll(async () => {
      site = await startFixtureSite();
      env = await startApp({
        SHOTCACHE_API_KEYS: KEY,
        SHOTCACHE_SIGNING_SECRET: SECRET,
        SHOTCACHE_WEBHOOK_SECRET: SECRET,
      });
    });
    afterAll(async () => {
      await env?.stop();
      await site?.close();
    });

    it("captures with POST and JSON options, without a key (captures are open)", async () => {
      const response = await call("/api/v1/screenshot", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ url: site.url("/options"), width: 640, height: 400 }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/png");
    });

    it.each([
      ["DELETE", () => `/api/v1/cache?url=${encodeURIComponent(site.url("/options"))}`],
      ["GET", () => "/api/v1/stats?hours=2"],
    ])("%s needs the key: 401 without, 403 with a wrong one, 200 with it", async (method, path) => {
      const none = await call(path(), { method });
      expect(none.status).toBe(401);
      expect(none.headers.get("content-type")).toBe("application/problem+json");
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await none.json()).code).toBe("UNAUTHORIZED");
      expect(
        (await call(path(), { method, headers: bearer("not-the-key-000000000") })).status,
      ).toBe(403);
      const granted = await call(path(), { method, headers: bearer(KEY) });
      expect(granted.status).toBe(200);
      expect(granted.headers.get("content-type")).toBe("application/json");
    });

    it("serves metrics to a key holder, health to anyone, and the OpenAPI document", async () => {
      expect((await call("/api/metrics")).status).toBe(401);
      const metrics = await call("/api/metrics", { headers: bearer(KEY) });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^shotcache_captures_total\{status="MISS"\} \d+$/m);
      const health = await (await call("/api/health")).json();
      expect(health).toMatchObject({ status: "ok", store: { kind: "memory", circuit: "closed" } });
      const openapi = await (await call("/api/openapi.json")).json();
      expect(openapi.openapi).toBe("3.1.0");
      expect(Object.keys(openapi.paths)).toContain("/api/v1/invalidate");
    });

    it("refuses a capture over the rate limit with 429 and Retry-After", async () => {
      const limited = await startApp({ SHOTCACHE_RATE_LIMIT_PER_MINUTE: "2" });
      try {
        const url = `${limited.app.origin}/api/v1/screenshot?url=${encodeURIComponent(site.url("/stable"))}`;
        const statuses = [];
        await clearOfWindowEdge();
        for (let i = 0; i < 2; i++) statuses.push((await fetch(url)).status);
        const refused = await fetch(url);
        expect([...statuses, refused.status]).toEqual([200, 200, 429]);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(refused.headers.get("ratelimit-remaining")).toBe("0");
        expect((await refused.json()).code).toBe("RATE_LIMITED");
        // Straight to the server, X-Forwarded-For is the caller's own word: it buys no new quota.
        for (let i = 1; i <= 6; i++) {
          expect((await fetch(url, forwardedFrom(`203.0.113.${i}`))).status).toBe(429);
        }
        expect((await fetch(trpcCapture(limited), forwardedFrom("198.51.100.9"))).status).toBe(429);
      } finally {
        await limited.stop();
      }
    });

    it("counts the forwarded address behind a trusted proxy, and IPv6 callers by their /64", async () => {
      const proxied = await startApp({
        SHOTCACHE_RATE_LIMIT_PER_MINUTE: "3",
        SHOTCACHE_TRUSTED_PROXIES: "1",
      });
      try {
        const url = `${proxied.app.origin}/api/v1/screenshot?url=${encodeURIComponent(site.url("/stable"))}`;
        const statusesFrom = async (addresses: string[]) => {
          const statuses = [];
          for (const address of addresses) {
            statuses.push((await fetch(url, forwardedFrom(`192.0.2.250, ${address}`))).status);
          }
          return statuses;
        };
        const one = "198.51.100.20";
        await clearOfWindowEdge();
        expect(await statusesFrom([one, one, one, one, "198.51.100.21"])).toEqual([
          200, 200, 200, 429, 200,
        ]);
        // One /64 is one caller, whichever of its addresses it uses; the next /64 is another.
        const sameNetwork = ["2001:db8:7:1::1", "2001:db8:7:1::2", "2001:db8:7:1:ffff::3"];
        expect(await statusesFrom([...sameNetwork, "2001:db8:7:1::4", "2001:db8:7:2::1"])).toEqual([
          200, 200, 200, 429, 200,
        ]);
        // tRPC counts the same caller: the address above has spent its quota there too.
        expect((await fetch(trpcCapture(proxied), forwardedFrom(one))).status).toBe(429);
        expect((await fetch(trpcCapture(proxied), forwardedFrom("198.51.100.22"))).status).toBe(
          200,
        );
        // The log line names the caller the proxy vouched for.
        await expect
          .poll(() => logLines(proxied.app))
          .toContainEqual(expect.objectContaining({ msg: "request", status: 429, client: one }));
      } finally {
        await proxied.stop();
      }
    });

    it("logs one JSON line per request, with its id, and never a key or a secret", async () => {
      const response = await call("/api/v1/stats", {
        headers: { ...bearer(KEY), "x-request-id": "trace-42" },
      });
      expect(response.headers.get("x-request-id")).toBe("trace-42");
      await expect
        .poll(() => logLines(env.app))
        .toContainEqual(
          expect.objectContaining({
            msg: "request",
            reqId: "trace-42",
            path: "/api/v1/stats",
            status: 200,
          }),
        );
      expect(env.app.output()).not.toContain(KEY);
      expect(env.app.output()).not.toContain(SECRET);
    });

    it("answers 503 SATURATED with Retry-After when every render slot and the queue are full", async () => {
      const busy = await startApp({
        SHOTCACHE_RENDER_CONCURRENCY: "1",
        SHOTCACHE_RENDER_QUEUE: "0",
      });
      try {
        const slow = `${busy.app.origin}/api/v1/screenshot?url=${encodeURIComponent(site.url("/slow?ms=2000"))}`;
        const running = fetch(slow);
        await new Promise((resolve) => setTimeout(resolve, 700)); // the first render holds the slot
        const refused = await fetch(`${slow}&width=700`);
        expect(refused.status).toBe(503);
        expect(refused.headers.get("retry-after")).toBe("2");
        expect((await refused.json()).code).toBe("SATURATED");
        expect((await running).status).toBe(200);
      } finally {
        await busy.stop();
      }
    });

    it("refuses an unsupported method with a problem document", async () => {
      const response = await call("/api/v1/cache", { method: "PUT", headers: bearer(KEY) });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("DELETE");
    });

    it("serves a signed URL publicly, and refuses it changed or expired", async () => {
      const url = site.url("/options");
      const expires = Math.floor(Date.now() / 1000) + 600;
      const input = { url, width: 500, height: 300 };
      const query = (changes: Record<string, string> = {}) =>
        new URLSearchParams({
          url,
          width: "500",
          height: "300",
          expires: String(expires),
          signature: signCapture(input, SECRET, expires),
          ...changes,
        });
      const signed = await call(`/api/v1/screenshot?${query()}`);
      expect(signed.status).toBe(200);
      expect(signed.headers.get("cache-control")).toMatch(/^public, .*s-maxage=\d+$/);
      expect((await call(`/api/v1/screenshot?${query({ width: "501" })}`)).status).toBe(403);
      const past = Math.floor(Date.now() / 1000) - 5;
      const expired = query({
        expires: String(past),
        signature: signCapture(input, SECRET, past),
      });
      const refused = await call(`/api/v1/screenshot?${expired}`);
      expect([refused.status, (await refused.json()).code]).toEqual([403, "SIGNATURE_EXPIRED"]);
    });

    it("purges on a signed webhook delivery and refuses its replay", async () => {
      const url = site.url("/options");
      await call(`/api/v1/screenshot?url=${encodeURIComponent(url)}&width=320`);
      const init = signedWebhook(SECRET, { url });
      const delivered = await call("/api/v1/invalidate", init);
      expect(delivered.status).toBe(200);
      expect((await delivered.json()).purged).toBeGreaterThanOrEqual(1);
      expect((await call("/api/v1/invalidate", init)).status).toBe(409);
      const forged = await call("/api/v1/invalidate", {
        ...init,
        headers: { ...init.headers, "x-shotcache-signature": "v1=00" },
      });
      expect(forged.status).toBe(401);
    });

    it("lets the SDK in with its key, and not without", async () => {
      const keyed = createShotcacheClient({ baseUrl: env.app.origin, apiKey: KEY });
      expect((await keyed.stats()).requests).toBeGreaterThanOrEqual(1);
      const anonymous = createShotcacheClient({ baseUrl: env.app.origin });
      const error = await anonymous.stats().catch((caught) => caught);
      expect([error.code, error.status]).toEqual(["UNAUTHORIZED", 401]);
    });
  },
);
