import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { signedScreenshotUrl } from "@shotcache/sdk/sign";
import {
  availableOrSkip,
  type FixtureSite,
  findNginx,
  findVarnish,
  freePort,
  startFixtureSite,
  startNginx,
  startVarnish,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, signedWebhook, startApp } from "./app-under-test";

const SECRET = "shotcache-test-secret-0123456789abcdef";
const DEPLOY = join(import.meta.dirname, "..", "..", "..", "deploy");

/** A CDN in front of the app, with the example configuration of deploy/, and how it is purged. */
interface Edge {
  name: string;
  available: boolean;
  purgeSetting(port: number): string;
  start(backendPort: number, port: number): Promise<{ origin: string; stop(): Promise<void> }>;
}

const EDGES: Edge[] = [
  {
    name: "Varnish with xkey (honours Age)",
    available: Boolean(await availableOrSkip("Varnish", findVarnish)),
    purgeSetting: (port) => `xkey:http://127.0.0.1:${port}/`,
    start: (backendPort, port) =>
      startVarnish({ vclFile: join(DEPLOY, "varnish", "shotcache.vcl"), backendPort, port }),
  },
  {
    name: "nginx with exact-URL purges (ignores Age)",
    available: Boolean(await availableOrSkip("nginx", findNginx)),
    purgeSetting: (port) => `url:http://127.0.0.1:${port}/__purge`,
    start: (backendPort, port) =>
      startNginx({ confFile: join(DEPLOY, "nginx", "shotcache.conf"), backendPort, port }),
  },
];

for (const edge of EDGES) {
  describe.skipIf(!browserAvailable || !edge.available)(`behind ${edge.name}`, () => {
    let site: FixtureSite;
    let app: RunningApp;
    let cdn: { origin: string; stop(): Promise<void> };

    beforeAll(async () => {
      site = await startFixtureSite();
      const cdnPort = await freePort();
      app = await startApp({
        SHOTCACHE_SIGNING_SECRET: SECRET,
        SHOTCACHE_WEBHOOK_SECRET: SECRET,
        SHOTCACHE_CDN_PURGE: edge.purgeSetting(cdnPort),
      });
      cdn = await edge.start(Number(new URL(app.app.origin).port), cdnPort);
    });
    afterAll(async () => {
      await cdn?.stop();
      await app?.stop();
      await site?.close();
    });

    type Input = Record<string, string | number>;
    /**
     * A signed URL of `input` (of /stable, unless it names a page), at the edge or the origin.
     * Tests that purge use pages of their own: a purge is repeated at the CDN a little later.
     */
    const signed = (base: string, input: Input) =>
      signedScreenshotUrl(base, { url: site.url("/stable"), ...input }, SECRET);
    /** What the edge answered: HIT when it served its own copy. */
    const atEdge = async (input: Input) => {
      const response = await fetch(signed(cdn.origin, input));
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      return response.headers.get("x-edge-cache");
    };
    const cachedAtEdge = async (...inputs: Input[]) => {
      for (const input of inputs) {
        await atEdge(input);
        expect(await atEdge(input)).toBe("HIT");
      }
    };

    it("keeps a public image no longer than its TTL, although it reached the edge already aged", async () => {
      const input = { width: 310, ttl: 6 };
      const first = await fetch(signed(app.app.origin, input));
      await first.arrayBuffer();
      expect(first.headers.get("x-cache")).toBe("MISS");
      await sleep(4_000);
      // Fetched by the edge with 2 s left: that is all it may keep it.
      const answer = await fetch(signed(cdn.origin, input));
      await answer.arrayBuffer();
      expect(answer.headers.get("x-edge-cache")).toBe("MISS");
      expect(answer.headers.get("cache-control")).toMatch(/^public, max-age=[12], s-maxage=[12]$/);
      expect(await atEdge(input)).toBe("HIT");
      await sleep(3_000);
      expect(await atEdge(input)).not.toBe("HIT");
      // A browser past the TTL revalidates, and an unchanged image costs no bytes.
      const revalidated = await fetch(signed(app.app.origin, input), {
        headers: { "if-none-match": first.headers.get("etag") ?? "" },
      });
      expect(revalidated.status).toBe(304);
    });

    it("tags public images with surrogate keys for the URL and the variant, never the URL itself", async () => {
      const response = await fetch(signed(app.app.origin, { width: 320 }));
      await response.arrayBuffer();
      const tags = response.headers.get("surrogate-key")?.split(" ") ?? [];
      expect(tags).toEqual([
        expect.stringMatching(/^shotcache-url-[\w-]+$/),
        expect.stringMatching(/^shotcache-variant-[\w-]+$/),
      ]);
      expect(response.headers.get("cache-tag")).toBe(tags.join(","));
      expect(response.headers.get("age")).toBeNull();
      expect(tags.join(" ")).not.toContain("stable");
    });

    it("drops every variant of a URL at the edge on a purge at the origin, or just the one purged", async () => {
      const purge = (page: string, query = "") =>
        fetch(`${app.app.origin}/api/v1/cache?url=${encodeURIComponent(page)}${query}`, {
          method: "DELETE",
        });
      const every = site.url("/stable?purge=every");
      await cachedAtEdge({ url: every, width: 330 }, { url: every, width: 340 });
      expect(await (await purge(every)).json()).toMatchObject({ cdn: [{ status: "purged" }] });
      expect([
        await atEdge({ url: every, width: 330 }),
        await atEdge({ url: every, width: 340 }),
      ]).toEqual(["MISS", "MISS"]);

      const one = site.url("/stable?purge=one");
      await cachedAtEdge({ url: one, width: 330 }, { url: one, width: 340 });
      expect((await purge(one, "&width=330")).status).toBe(200);
      expect([
        await atEdge({ url: one, width: 330 }),
        await atEdge({ url: one, width: 340 }),
      ]).toEqual(["MISS", "HIT"]);
    });

    it("drops them at the edge on a signed invalidation webhook too", async () => {
      const page = site.url("/stable?purge=webhook");
      const [small, large] = [
        { url: page, width: 350 },
        { url: page, width: 360 },
      ];
      await cachedAtEdge(small, large);
      const delivered = await fetch(
        `${app.app.origin}/api/v1/invalidate`,
        signedWebhook(SECRET, { url: page }),
      );
      expect(await delivered.json()).toMatchObject({ cdn: [{ status: "purged" }] });
      expect([await atEdge(small), await atEdge(large)]).toEqual(["MISS", "MISS"]);
    });
  });
}

describe.skipIf(!browserAvailable)("a CDN that is down", () => {
  it("makes the purge report its failure, while the origin purge still succeeds", async () => {
    const site = await startFixtureSite();
    const nobody = await freePort(); // nothing listens there
    const app = await startApp({ SHOTCACHE_CDN_PURGE: `xkey:http://127.0.0.1:${nobody}/` });
    try {
      const url = encodeURIComponent(site.url("/stable"));
      await (await fetch(`${app.app.origin}/api/v1/screenshot?url=${url}`)).arrayBuffer();
      const purge = await fetch(`${app.app.origin}/api/v1/cache?url=${url}`, { method: "DELETE" });
      expect(purge.status).toBe(200);
      expect(await purge.json()).toEqual({
        purged: 1,
        cdn: [{ cdn: `xkey:127.0.0.1:${nobody}`, status: "failed", error: expect.any(String) }],
      });
      const again = await fetch(`${app.app.origin}/api/v1/screenshot?url=${url}`);
      expect(again.headers.get("x-cache")).toBe("MISS");
      // Counted where operators look: the shared statistics and this process's metrics.
      const stats = await (await fetch(`${app.app.origin}/api/v1/stats`)).json();
      expect(stats.cdnPurgeFailures).toBeGreaterThanOrEqual(1);
      const metrics = await (await fetch(`${app.app.origin}/api/metrics`)).text();
      expect(metrics).toMatch(/^shotcache_cdn_purge_failures_total\{cdn="xkey:[^"]+"\} [1-9]/m);
    } finally {
      await app.stop();
      await site.close();
    }
  });
});
