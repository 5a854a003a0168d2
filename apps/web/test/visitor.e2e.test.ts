import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createShotcacheClient } from "@shotcache/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AppUnderTest,
  browserAvailable,
  logLines,
  type RunningApp,
  startApp,
  startAppUnderTest,
} from "./app-under-test";

const fontWarning = (running: RunningApp) =>
  logLines(running.app).find((line) => String(line.msg).startsWith("no font for"));

describe.skipIf(!browserAvailable)("the visitor's settings and fonts, end to end", () => {
  let env: AppUnderTest;
  beforeAll(async () => {
    env = await startAppUnderTest();
  });
  afterAll(() => env?.close());

  it("renders with the time zone and language asked for, each setting its own cache entry", async () => {
    const capture = (settings: string) =>
      fetch(
        `${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(env.site.url("/visitor"))}` +
          `&waitForSelector=%23done${settings}`,
      );
    const tokyo = await capture("&timezone=Asia%2FTokyo&locale=ja-JP");
    expect([tokyo.status, tokyo.headers.get("x-cache")]).toEqual([200, "MISS"]);
    expect(Object.fromEntries(env.site.lastQuery("/visitor-report") ?? [])).toMatchObject({
      timeZone: "Asia/Tokyo",
      language: "ja-JP",
    });
    expect((await capture("&locale=ja-jp&timezone=asia%2Ftokyo")).headers.get("x-cache")).toBe(
      "HIT",
    );
    expect((await capture("&timezone=Europe%2FBerlin")).headers.get("x-cache")).toBe("MISS");
    expect(env.site.lastQuery("/visitor-report")?.get("timeZone")).toBe("Europe/Berlin");
  });

  it("sends cookies with the page, keys them, and shows them in no log, inspect, stats or metrics", async () => {
    const secret = "s3cret-cookie-value";
    const page = env.site.url("/visitor");
    const capture = (cookies: string) =>
      fetch(
        `${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(page)}` +
          `&waitForSelector=%23done${cookies}`,
      );
    const first = await capture(`&cookies=session%3D${secret}&cookies=consent%3Dno`);
    expect([first.status, first.headers.get("x-cache")]).toEqual([200, "MISS"]);
    expect(env.site.lastHeaders("/visitor")?.cookie).toBe(`consent=no; session=${secret}`);
    expect(
      (await capture(`&cookies=consent%3Dno&cookies=session%3D${secret}`)).headers.get("x-cache"),
    ).toBe("HIT");
    expect((await capture("&cookies=session%3Dother")).headers.get("x-cache")).toBe("MISS");

    const inspect = await fetch(
      `${env.app.origin}/api/trpc/cache.inspect?input=${encodeURIComponent(JSON.stringify({ url: page }))}`,
    );
    const shown = [
      await inspect.text(),
      await (await fetch(`${env.app.origin}/api/v1/stats`)).text(),
      await (await fetch(`${env.app.origin}/api/metrics`)).text(),
      env.app.output(),
    ];
    expect(inspect.status).toBe(200);
    for (const text of shown) expect(text).not.toContain(secret);

    // The SDK sends cookies in a POST body, never in a URL.
    const sdk = createShotcacheClient({ baseUrl: env.app.origin });
    await sdk.capture({ url: page, waitForSelector: "#done", cookies: ["session=from-sdk"] });
    expect(env.site.lastHeaders("/visitor")?.cookie).toBe("session=from-sdk");
    // Request lines are written in batches, a moment after the answer.
    const posted = () =>
      logLines(env.app).some(
        (line) => line.method === "POST" && line.path === "/api/v1/screenshot",
      );
    await expect.poll(posted).toBe(true);
  });

  it("reports the CJK and emoji fonts it has, and warns of none", async () => {
    const health = await (await fetch(`${env.app.origin}/api/health`)).json();
    expect(health.fonts).toEqual({ cjk: true, emoji: true });
    expect(fontWarning(env)).toBeUndefined();
  });

  it("warns at start, naming the packages, where fontconfig finds no such fonts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "shotcache-no-fonts-"));
    const config = join(dir, "fonts.conf");
    await writeFile(
      config,
      `<?xml version="1.0"?><fontconfig><dir>${dir}</dir><cachedir>${dir}/cache</cachedir></fontconfig>`,
    );
    const running = await startApp({ FONTCONFIG_FILE: config });
    try {
      const health = await (await fetch(`${running.app.origin}/api/health`)).json();
      expect(health.fonts).toEqual({ cjk: false, emoji: false });
      expect(fontWarning(running)).toMatchObject({
        level: 40,
        msg: expect.stringContaining("apt-get install fonts-noto-cjk fonts-noto-color-emoji"),
      });
    } finally {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
