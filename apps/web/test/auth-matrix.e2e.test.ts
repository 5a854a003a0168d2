import { type FixtureSite, startFixtureSite } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, startApp } from "./app-under-test";

const KEY = "matrix-key-0123456789abcdef";
type Key = "none" | "wrong" | "right";
const KEYS: Key[] = ["none", "wrong", "right"];

const authorization = (key: Key): Record<string, string> =>
  key === "none"
    ? {}
    : { authorization: `Bearer ${key === "right" ? KEY : "wrong-key-0123456789abcd"}` };

/** tRPC over plain HTTP, as any client sends it. */
const trpcQuery = (path: string, input?: unknown) =>
  `/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

describe.skipIf(!browserAvailable)(
  "auth matrix through the production server (keys required for captures too)",
  () => {
    let env: RunningApp;
    let site: FixtureSite;

    beforeAll(async () => {
      site = await startFixtureSite();
      env = await startApp({
        SHOTCACHE_API_KEYS: KEY,
        SHOTCACHE_CAPTURE_REQUIRES_KEY: "true",
        SHOTCACHE_SIGNING_SECRET: "matrix-signing-secret-0123456789abcdef",
      });
    });
    afterAll(async () => {
      await env?.stop();
      await site?.close();
    });

    const endpoints = (): [string, string, RequestInit, Record<Key, number>][] => {
      const page = encodeURIComponent(site.url("/stable"));
      const guarded = { none: 401, wrong: 403, right: 200 };
      const open = { none: 200, wrong: 200, right: 200 };
      return [
        ["GET /api/v1/screenshot", `/api/v1/screenshot?url=${page}`, {}, guarded],
        ["HEAD /api/v1/screenshot", `/api/v1/screenshot?url=${page}`, { method: "HEAD" }, guarded],
        [
          "POST /api/v1/screenshot",
          "/api/v1/screenshot",
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ url: site.url("/stable") }),
          },
          guarded,
        ],
        ["DELETE /api/v1/cache", `/api/v1/cache?url=${page}`, { method: "DELETE" }, guarded],
        ["GET /api/v1/stats", "/api/v1/stats", {}, guarded],
        ["GET /api/metrics", "/api/metrics", {}, guarded],
        ["GET /api/health", "/api/health", {}, open],
        ["GET /api/openapi.json", "/api/openapi.json", {}, open],
        // The webhook is authenticated by its HMAC signature, never by API keys: off here (404).
        [
          "POST /api/v1/invalidate",
          "/api/v1/invalidate",
          { method: "POST", body: "{}" },
          { none: 404, wrong: 404, right: 404 },
        ],
        [
          "tRPC screenshot.capture",
          trpcQuery("screenshot.capture", { url: site.url("/stable") }),
          {},
          guarded,
        ],
        [
          "tRPC cache.inspect",
          trpcQuery("cache.inspect", { url: site.url("/stable") }),
          {},
          guarded,
        ],
        ["tRPC stats.get", trpcQuery("stats.get"), {}, guarded],
        [
          "tRPC cache.purge",
          "/api/trpc/cache.purge",
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ url: site.url("/stable") }),
          },
          guarded,
        ],
        [
          "tRPC screenshot.sign",
          "/api/trpc/screenshot.sign",
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ options: { url: site.url("/stable") } }),
          },
          guarded,
        ],
        ["tRPC health", trpcQuery("health"), {}, open],
      ];
    };

    it("covers every endpoint with no key, a wrong key and the right key", async () => {
      const results: string[] = [];
      const expected: string[] = [];
      for (const [name, path, init, statuses] of endpoints()) {
        for (const key of KEYS) {
          const response = await fetch(`${env.app.origin}${path}`, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), ...authorization(key) },
          });
          results.push(`${name} [${key}] ${response.status}`);
          expected.push(`${name} [${key}] ${statuses[key]}`);
        }
      }
      expect(results).toEqual(expected);
    });
  },
);
