import { createShotcacheClient } from "@shotcache/sdk";
import { boundsOfColour, pixelAt } from "@shotcache/testkit";
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

  const api = (path: string, url: string, query = "") =>
    fetch(`${env.app.origin}/api/v1/${path}?url=${encodeURIComponent(url)}${query}`);

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

    // The diff of the two versions is red exactly where the block is, and faded elsewhere.
    const diff = await api("diff", url);
    expect(diff.status).toBe(200);
    expect(diff.headers.get("content-type")).toBe("image/png");
    expect(Number(diff.headers.get("x-content-change-ratio"))).toBe(ratio);
    const png = new Uint8Array(await diff.arrayBuffer());
    // Red exactly over the block, the left half of the 1280×720 viewport; faded elsewhere.
    expect(await boundsOfColour(png, [255, 0, 0])).toEqual({
      left: 0,
      top: 0,
      right: 639,
      bottom: 719,
    });
    expect(await pixelAt(png, 320, 400)).toEqual([255, 0, 0]);
    const [r = 0, g = 0, b = 0] = await pixelAt(png, 960, 400);
    expect(Math.min(r, g, b)).toBeGreaterThan(200);
  });

  it("lists versions newest first, each image URL serving that version, at most five", async () => {
    const url = newScene();
    const etags: string[] = [];
    for (let index = 0; index < 7; index++) {
      env.site.setScene({ clock: `13:00:0${index}`, blockShare: 0.5, blockColor: "#3366cc" });
      const rendered = await screenshot(url, "&refresh=true");
      etags.unshift(rendered.headers.get("etag") ?? "");
    }
    const listed = async () =>
      (await (await api("history", url)).json()) as {
        versions: { etag: string; changeRatio: number | null; image: string }[];
      };
    // Versions are kept after the answers: the newest may still be on its way.
    await expect.poll(async () => (await listed()).versions[0]?.etag).toBe(etags[0]);
    const { versions } = await listed();
    expect(versions.map(({ etag }) => etag)).toEqual(etags.slice(0, 5));
    // Each was measured against the one before it when it was rendered, the oldest kept too.
    for (const version of versions) expect(version.changeRatio).toBeGreaterThan(0);
    for (const version of versions) {
      const image = await fetch(version.image);
      expect(image.status).toBe(200);
      expect(image.headers.get("etag")).toBe(version.etag);
      const again = await fetch(version.image, { headers: { "if-none-match": version.etag } });
      expect(again.status).toBe(304);
    }
    // The SDK lists the same, and diffs the two newest.
    const client = createShotcacheClient({ baseUrl: env.app.origin });
    expect(await client.history({ url })).toEqual({ versions });
    const diff = await client.diff({ url });
    expect([diff.from.etag, diff.to.etag]).toEqual([etags[1], etags[0]]);
    expect(diff.changeRatio).toBe(versions[0]?.changeRatio);
    // Only the clock changed: every red pixel is within its box (1060–1260, 20–60).
    const changed = await boundsOfColour(diff.bytes, [255, 0, 0]);
    expect(changed?.left).toBeGreaterThanOrEqual(1060);
    expect(changed?.right).toBeLessThan(1260);
    expect(changed?.top).toBeGreaterThanOrEqual(20);
    expect(changed?.bottom).toBeLessThan(60);
    // The newest's image is the capture's own bytes.
    const newest = await (await fetch(versions[0]?.image ?? "")).arrayBuffer();
    const captured = await (await api("screenshot", url)).arrayBuffer();
    expect(Buffer.from(newest)).toEqual(Buffer.from(captured));
  });

  it("refuses bad input with a problem document naming the field", async () => {
    const url = newScene();
    await screenshot(url);
    const problemOf = async (response: Response): Promise<[number, (string | undefined)[]]> => {
      const body = (await response.json()) as { errors?: { field?: string }[] };
      return [response.status, body.errors?.map(({ field }) => field) ?? []];
    };
    expect(await problemOf(await api("screenshot", url, "&changeThreshold=1.5"))).toEqual([
      400,
      ["changeThreshold"],
    ]);
    const [status, fields] = await problemOf(await api("screenshot", url, "&ignoreRegions=1,2,3"));
    expect(status).toBe(400);
    expect(fields[0]).toMatch(/^ignoreRegions/);
    const selectors = Array.from({ length: 21 }, (_, i) => `&ignoreSelectors=.s${i}`).join("");
    expect(await problemOf(await api("screenshot", url, selectors))).toEqual([
      400,
      ["ignoreSelectors"],
    ]);
    expect(await problemOf(await api("diff", url, "&from=%22nope%22"))).toEqual([404, ["from"]]);
    expect(await problemOf(await api("history/image", url, "&etag=%22nope%22"))).toEqual([
      404,
      ["etag"],
    ]);
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
