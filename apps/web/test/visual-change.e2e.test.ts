import { createShotcacheClient } from "@shotcache/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

// The change measure through the production server: real renders of `/scene`, whose clock and
// block the test changes between renders at one URL, measured in the server's worker thread.

describe.skipIf(!browserAvailable)("visual change through the production server", () => {
  let env: AppUnderTest;
  let pages = 0;
  /** A URL of `/scene` no other test renders: its own variant and versions. */
  const newScene = () => env.site.url(`/scene?page=${++pages}`);
  const screenshot = async (url: string, query = "") => {
    const response = await fetch(
      `${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}${query}`,
    );
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    return response;
  };
  /** Renders `url` anew, then waits for the measure of that render to reach the cache. */
  async function measuredRender(url: string, query = "") {
    await screenshot(url, `${query}&refresh=true`);
    let answer = await screenshot(url, query);
    await expect
      .poll(
        async () => {
          answer = await screenshot(url, query);
          return answer.headers.get("x-content-change-ratio");
        },
        { timeout: 10_000 },
      )
      .not.toBeNull();
    return {
      ratio: Number(answer.headers.get("x-content-change-ratio")),
      changed: answer.headers.get("x-content-changed"),
    };
  }

  beforeAll(async () => {
    env = await startAppUnderTest();
  });
  afterAll(() => env?.close());

  it("leaves a changing clock out with ignoreSelectors, and counts it without", async () => {
    const url = newScene();
    env.site.setScene({ clock: "10:00:00", blockShare: 0.5, blockColor: "#3366cc" });
    await screenshot(url);
    env.site.setScene({ clock: "10:00:01" });
    const counted = await measuredRender(url);
    expect(counted.ratio).toBeGreaterThan(0);
    expect(counted.ratio).toBeLessThan(0.01);
    expect(counted.changed).toBe("true");

    env.site.setScene({ clock: "10:00:02" });
    const masked = await measuredRender(url, "&ignoreSelectors=%23clock");
    expect(masked).toEqual({ ratio: 0, changed: "false" });
    // The render's own answer came before its measure; the bytes differ all the same.
    env.site.setScene({ clock: "10:00:03" });
    const rendered = await screenshot(url, "&ignoreSelectors=%23clock&refresh=true");
    expect(rendered.headers.get("x-content-change-ratio")).toBeNull();
    expect(rendered.headers.get("x-content-changed")).toBe("true");
  });

  it("measures a block over half the viewport that changes colour as half the image", async () => {
    const url = newScene();
    env.site.setScene({ clock: "11:00:00", blockShare: 0.5, blockColor: "#3366cc" });
    await screenshot(url);
    env.site.setScene({ blockColor: "#cc3333" });
    const { ratio, changed } = await measuredRender(url);
    expect(Math.abs(ratio - 0.5)).toBeLessThan(0.05);
    expect(changed).toBe("true");
    // The SDK says the same.
    const client = createShotcacheClient({ baseUrl: env.app.origin });
    const shot = await client.capture({ url });
    expect(shot.cache.changeRatio).toBe(ratio);
  });

  it("says changed only past changeThreshold: 5 % is not, 30 % is", async () => {
    const url = newScene();
    const threshold = "&changeThreshold=0.1";
    env.site.setScene({ clock: "12:00:00", blockShare: 0.05, blockColor: "#3366cc" });
    await screenshot(url, threshold);
    env.site.setScene({ blockColor: "#cc3333" });
    const small = await measuredRender(url, threshold);
    expect(Math.abs(small.ratio - 0.05)).toBeLessThan(0.01);
    expect(small.changed).toBe("false");

    env.site.setScene({ blockShare: 0.3 });
    await screenshot(url, `${threshold}&refresh=true`);
    env.site.setScene({ blockColor: "#3366cc" });
    const large = await measuredRender(url, threshold);
    expect(Math.abs(large.ratio - 0.3)).toBeLessThan(0.03);
    expect(large.changed).toBe("true");
  });
});
