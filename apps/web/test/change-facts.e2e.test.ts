import { createShotcacheClient } from "@shotcache/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

// Change facts and the adaptive TTL through the production server, with real renders of a page
// that changes at every load and one that never does.

describe.skipIf(!browserAvailable)("change-aware caching through the production server", () => {
  let env: AppUnderTest;
  const screenshot = (url: string, extra = "") =>
    fetch(`${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}${extra}`);

  /** Four `refresh=true` captures: each one's X-Content-Changed. */
  async function refreshFourTimes(url: string): Promise<(string | null)[]> {
    const changed: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await screenshot(url, "&refresh=true");
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      changed.push(response.headers.get("x-content-changed"));
    }
    return changed;
  }

  beforeAll(async () => {
    env = await startAppUnderTest();
  });
  afterAll(() => env?.close());

  it("says which renders changed, and lets the TTL follow: shorter for a changing page", async () => {
    const changing = env.site.url(`/changing?page=${Date.now()}`);
    const stable = env.site.url(`/stable?page=${Date.now()}`);
    expect(await refreshFourTimes(changing)).toEqual([null, "true", "true", "true"]);
    expect(await refreshFourTimes(stable)).toEqual([null, "false", "false", "false"]);

    // No ttl and no rule: the TTL follows what the renders showed.
    const next = await screenshot(changing);
    expect(next.headers.get("x-cache-ttl-source")).toBe("adaptive");
    expect(Number(next.headers.get("x-cache-ttl"))).toBeLessThan(900);
    const unchanged = await screenshot(stable);
    expect(unchanged.headers.get("x-cache-ttl-source")).toBe("adaptive");
    expect(Number(unchanged.headers.get("x-cache-ttl"))).toBeGreaterThanOrEqual(900);

    // An unchanged page keeps the Last-Modified of its first render, and answers a 304 by it.
    const lastModified = unchanged.headers.get("last-modified") ?? "";
    const conditional = await fetch(
      `${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(stable)}`,
      { headers: { "if-modified-since": lastModified } },
    );
    expect(conditional.status).toBe(304);

    // The SDK reports the same facts.
    const client = createShotcacheClient({ baseUrl: env.app.origin });
    const shot = await client.capture({ url: changing, refresh: true });
    expect(shot.cache.changed).toBe(true);
    // A changed render changed just now (both facts come in whole seconds).
    const apart = Date.parse(shot.cache.lastChangedAt) - Date.parse(shot.cache.capturedAt);
    expect(Math.abs(apart)).toBeLessThanOrEqual(1_000);
    const same = await client.capture({ url: stable, refresh: true });
    expect(same.cache.changed).toBe(false);
    // The time of its first render, which Last-Modified said.
    expect(Date.parse(same.cache.lastChangedAt)).toBe(Date.parse(lastModified));

    // The statistics list the changing page with its changes.
    const stats = await (await fetch(`${env.app.origin}/api/v1/stats`)).json();
    const listed = stats.topUrls.find((top: { url: string }) => top.url === changing);
    expect(listed).toMatchObject({ renders: 5, changes: 4 });
    expect(listed.requests).toBeGreaterThanOrEqual(6);
    expect(listed.changeIntervalSeconds).toBeGreaterThan(0);
  });
});
