import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaptureError, type CaptureInput, captureOptionsSchema } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  startFixtureSite,
  survivorsAfter,
} from "@shotcache/testkit";
import { imageSize } from "image-size";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findBrowserExecutable } from "./find-browser";
import { createPuppeteerRenderer, type PuppeteerRenderer } from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable());

const MAGIC: Record<string, (bytes: Uint8Array) => boolean> = {
  png: (b) => Buffer.from(b.subarray(0, 8)).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  webp: (b) =>
    Buffer.from(b.subarray(0, 4)).toString() === "RIFF" &&
    Buffer.from(b.subarray(8, 12)).toString() === "WEBP",
};

/** Folders a browser of ours makes in TMPDIR: our profile folder and Chromium's socket folder. */
const browserFolders = () =>
  readdirSync(tmpdir()).filter((name) =>
    /^(shotcache-chromium-|org\.chromium\.Chromium\.|com\.google\.Chrome\.)/.test(name),
  );

describe.skipIf(!executablePath)("Puppeteer renderer (real Chromium)", () => {
  let site: FixtureSite;
  let renderer: PuppeteerRenderer;
  const render = (input: Omit<CaptureInput, "url"> & { path: string }) => {
    const { path, ...options } = input;
    return renderer.render(captureOptionsSchema.parse({ url: site.url(path), ...options }));
  };

  beforeAll(async () => {
    site = await startFixtureSite();
    renderer = createPuppeteerRenderer({ executablePath, allowPrivateNetworks: true });
  });
  afterAll(async () => {
    await renderer?.close();
    await site?.close();
  });

  it.each([
    ["png", 1280, 720, 1],
    ["jpeg", 800, 600, 1],
    ["webp", 400, 300, 2],
  ] as const)("renders %s at %i×%i, scale %i", async (format, width, height, scale) => {
    const image = await render({ path: "/stable", format, width, height, scale });
    expect(image.contentType).toBe(`image/${format}`);
    expect(MAGIC[format]?.(image.bytes)).toBe(true);
    expect(imageSize(image.bytes)).toMatchObject({ width: width * scale, height: height * scale });
  });

  it("gives identical bytes for an unchanged page and different bytes for a changed one", async () => {
    const first = await render({ path: "/stable" });
    const second = await render({ path: "/stable" });
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    const [before, after] = [
      await render({ path: "/changing" }),
      await render({ path: "/changing" }),
    ];
    expect(Buffer.from(before.bytes).equals(Buffer.from(after.bytes))).toBe(false);
  });

  it("fails with TARGET_HTTP_ERROR when the page answers 404", async () => {
    const error = await render({ path: "/status/404" }).catch((e) => e);
    expect(CaptureError.is(error) && error.code).toBe("TARGET_HTTP_ERROR");
  });

  it("refuses a loopback target when private networks are not allowed, without dialling it", async () => {
    const guarded = createPuppeteerRenderer({ executablePath });
    try {
      const url = site.url("/guarded");
      const error = await guarded.render(captureOptionsSchema.parse({ url })).catch((e) => e);
      expect(CaptureError.is(error) && error.code).toBe("TARGET_NOT_ALLOWED");
      expect(site.requestCount("/guarded")).toBe(0);
    } finally {
      await guarded.close();
    }
  });

  it("leaves no browser process and no folder behind when closed", async () => {
    const own = createPuppeteerRenderer({ executablePath, allowPrivateNetworks: true });
    const before = new Set(browserFolders());
    await own.render(captureOptionsSchema.parse({ url: site.url("/stable") }));
    const pid = own.browserPid() ?? 0;
    expect(pid).toBeGreaterThan(0);
    const created = browserFolders().filter((name) => !before.has(name));
    expect(created).toHaveLength(2);

    await own.close();
    expect(await survivorsAfter([pid])).toEqual([]);
    expect(created.filter((name) => existsSync(join(tmpdir(), name)))).toEqual([]);
  });

  it("relaunches after the browser is killed, and removes the dead browser's folders", async () => {
    const own = createPuppeteerRenderer({ executablePath, allowPrivateNetworks: true });
    try {
      const options = captureOptionsSchema.parse({ url: site.url("/stable") });
      const before = new Set(browserFolders());
      await own.render(options);
      const created = browserFolders().filter((name) => !before.has(name));
      const firstPid = own.browserPid() ?? 0;
      process.kill(firstPid, "SIGKILL");
      expect(await survivorsAfter([firstPid])).toEqual([]);
      await vi.waitUntil(() => own.browserPid() === undefined); // the renderer saw it die

      const image = await own.render(options);
      expect(image.bytes.byteLength).toBeGreaterThan(0);
      expect(own.browserPid()).not.toBe(firstPid);
      expect(created.filter((name) => existsSync(join(tmpdir(), name)))).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
