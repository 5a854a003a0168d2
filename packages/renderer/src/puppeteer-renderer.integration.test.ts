import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaptureError, type CaptureInput, captureOptionsSchema } from "@shotcache/core";
import {
  availableOrSkip,
  descendantsOf,
  type FixtureSite,
  startFixtureSite,
  survivorsAfter,
} from "@shotcache/testkit";
import { imageSize } from "image-size";
import puppeteer from "puppeteer";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { browserLaunchOptions } from "./browser-process";
import { findBrowserExecutable } from "./find-browser";
import { ALLOW_ALL } from "./network-guard";
import {
  createPuppeteerRenderer,
  type PuppeteerRenderer,
  type PuppeteerRendererOptions,
} from "./puppeteer-renderer";
import type { RenderTimings } from "./render-timings";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));

const MAGIC: Record<string, (bytes: Uint8Array) => boolean> = {
  png: (b) => Buffer.from(b.subarray(0, 8)).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  webp: (b) =>
    Buffer.from(b.subarray(0, 4)).toString() === "RIFF" &&
    Buffer.from(b.subarray(8, 12)).toString() === "WEBP",
};

/** The RGB colour of the pixel at (x, y). */
async function pixel(bytes: Uint8Array, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(bytes)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [data[offset] ?? -1, data[offset + 1] ?? -1, data[offset + 2] ?? -1];
}

/** The alpha of the pixel at (x, y): 0 is transparent. */
async function alpha(bytes: Uint8Array, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(bytes)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return data[(y * info.width + x) * info.channels + 3] ?? -1;
}

/** Folders a browser of ours makes in TMPDIR: our profile folder and Chromium's socket folder. */
const browserFolders = () =>
  readdirSync(tmpdir()).filter((name) =>
    /^(shotcache-chromium-|org\.chromium\.Chromium\.|com\.google\.Chrome\.)/.test(name),
  );

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe.skipIf(!executablePath)("Puppeteer renderer (real Chromium)", () => {
  let site: FixtureSite;
  let renderer: PuppeteerRenderer;
  const opened: PuppeteerRenderer[] = [];
  const open = (options: PuppeteerRendererOptions = {}) => {
    const created = createPuppeteerRenderer({ executablePath, network: ALLOW_ALL, ...options });
    opened.push(created);
    return created;
  };
  const render = (input: Omit<CaptureInput, "url"> & { path: string }, using = renderer) => {
    const { path, ...options } = input;
    return using.render(captureOptionsSchema.parse({ url: site.url(path), ...options }));
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => "rendered",
      (error: unknown) => (CaptureError.is(error) ? error.code : String(error)),
    );

  beforeAll(async () => {
    site = await startFixtureSite();
    renderer = open();
  });
  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await site?.close();
  });

  describe("every capture option shows in the image", () => {
    it.each([
      ["png", 1280, 720, 1],
      ["jpeg", 800, 600, 1],
      ["webp", 400, 300, 2],
    ] as const)("%s at %i×%i, scale %i", async (format, width, height, scale) => {
      const image = await render({ path: "/stable", format, width, height, scale });
      expect(image.contentType).toBe(`image/${format}`);
      expect(MAGIC[format]?.(image.bytes)).toBe(true);
      expect(imageSize(image.bytes)).toMatchObject({
        width: width * scale,
        height: height * scale,
      });
    });

    it("quality: a lower quality gives fewer bytes", async () => {
      const low = await render({ path: "/options", format: "jpeg", quality: 10 });
      const high = await render({ path: "/options", format: "jpeg", quality: 95 });
      expect(low.bytes.byteLength).toBeLessThan(high.bytes.byteLength);
    });

    it("selector: only the element, at its size", async () => {
      const image = await render({ path: "/options", selector: "#box" });
      expect(imageSize(image.bytes)).toMatchObject({ width: 200, height: 100 });
      expect(await pixel(image.bytes, 100, 50)).toEqual([255, 0, 0]);
    });

    it("fullPage: the whole height, with lazy images loaded", async () => {
      const lazyBefore = site.requestCount("/pixel.png");
      const image = await render({ path: "/tall?height=3000", fullPage: true, width: 800 });
      expect(imageSize(image.bytes)).toMatchObject({ width: 800, height: 3000 });
      expect(site.requestCount("/pixel.png")).toBe(lazyBefore + 1);
    });

    it("fullPage: cut at the height cap", async () => {
      const capped = open({ fullPageMaxHeight: 2000 });
      const image = await render({ path: "/tall?height=5000", fullPage: true, width: 600 }, capped);
      expect(imageSize(image.bytes)).toMatchObject({ width: 600, height: 2000 });
    });

    it("darkMode: the page's dark colours", async () => {
      expect(await pixel((await render({ path: "/options" })).bytes, 5, 5)).toEqual([
        255, 255, 255,
      ]);
      const dark = await render({ path: "/options", darkMode: true });
      expect(await pixel(dark.bytes, 5, 5)).toEqual([0, 0, 0]);
    });

    it("hideSelectors: the element is gone", async () => {
      expect(await pixel((await render({ path: "/options" })).bytes, 350, 90)).toEqual([0, 0, 255]);
      const hidden = await render({ path: "/options", hideSelectors: [".ad"] });
      expect(await pixel(hidden.bytes, 350, 90)).toEqual([255, 255, 255]);
    });

    it("css and js: their effects are visible", async () => {
      const styled = await render({ path: "/options", css: "html, body { background: #008000 }" });
      expect(await pixel(styled.bytes, 5, 5)).toEqual([0, 128, 0]);
      const scripted = await render({
        path: "/options",
        js: "document.getElementById('box').style.background = '#ff0';",
      });
      expect(await pixel(scripted.bytes, 100, 80)).toEqual([255, 255, 0]);
    });

    it("reducedMotion: animations stopped, so renders agree", async () => {
      const first = await render({ path: "/animated", reducedMotion: true });
      const second = await render({ path: "/animated", reducedMotion: true, delay: 200 });
      expect(same(first.bytes, second.bytes)).toBe(true);
      expect(await pixel(first.bytes, 50, 50)).toEqual([255, 0, 0]); // at its starting place
    });

    it("waitForSelector: waits for a late element; a missing one is a coded error", async () => {
      const image = await render({ path: "/options", waitForSelector: "#late" });
      expect(image.bytes.byteLength).toBeGreaterThan(0);
      expect(
        await failure(render({ path: "/options", waitForSelector: "#never", timeout: 1_500 })),
      ).toBe("ELEMENT_NOT_FOUND");
      expect(await failure(render({ path: "/options", selector: "#never" }))).toBe(
        "ELEMENT_NOT_FOUND",
      );
    });

    it("omitBackground: transparent where the page has no background (png and webp)", async () => {
      expect(await alpha((await render({ path: "/extras" })).bytes, 5, 5)).toBe(255);
      for (const format of ["png", "webp"] as const) {
        const clear = await render({ path: "/extras", omitBackground: true, format });
        expect(await alpha(clear.bytes, 5, 5), format).toBe(0);
        expect(await alpha(clear.bytes, 100, 80), format).toBe(255);
      }
    });

    it("mediaType: print applies the page's print styles", async () => {
      expect(await pixel((await render({ path: "/extras" })).bytes, 100, 80)).toEqual([255, 0, 0]);
      const print = await render({ path: "/extras", mediaType: "print" });
      expect(await pixel(print.bytes, 100, 80)).toEqual([0, 0, 255]);
    });

    it("click and hover: the page shows their effect; a missing element is a coded error", async () => {
      const before = (await render({ path: "/extras" })).bytes;
      expect(await pixel(before, 350, 90)).toEqual([255, 0, 0]);
      expect(await pixel(before, 500, 90)).toEqual([255, 0, 0]);
      const clicked = await render({ path: "/extras", click: "#button" });
      expect(await pixel(clicked.bytes, 350, 90)).toEqual([0, 255, 0]);
      const hovered = await render({ path: "/extras", hover: "#hover" });
      expect(await pixel(hovered.bytes, 500, 90)).toEqual([255, 255, 0]);
      expect(await failure(render({ path: "/extras", click: "#never" }))).toBe("ELEMENT_NOT_FOUND");
    });

    it("imageWidth and imageHeight: a thumbnail, its aspect kept unless both are given", async () => {
      const base = { path: "/extras", width: 400, height: 300 };
      expect(imageSize((await render({ ...base, imageWidth: 100 })).bytes)).toMatchObject({
        width: 100,
        height: 75,
      });
      expect(imageSize((await render({ ...base, imageHeight: 150 })).bytes)).toMatchObject({
        width: 200,
        height: 150,
      });
      const both = await render({ ...base, imageWidth: 120, imageHeight: 120, format: "jpeg" });
      expect(MAGIC.jpeg?.(both.bytes)).toBe(true);
      expect(imageSize(both.bytes)).toMatchObject({ width: 120, height: 120 });
    });

    it("format avif: encoded from a lossless shot, the same bytes for the same page", async () => {
      const first = await render({ path: "/extras", format: "avif" });
      expect(first.contentType).toBe("image/avif");
      expect(Buffer.from(first.bytes.subarray(4, 12)).toString()).toBe("ftypavif");
      expect(await pixel(first.bytes, 100, 80)).toEqual([expect.closeTo(255, -1), 0, 0]);
      expect(same(first.bytes, (await render({ path: "/extras", format: "avif" })).bytes)).toBe(
        true,
      );
    });

    it("blockResources: the page's images are never requested", async () => {
      const before = site.requestCount("/pixel.png");
      await render({ path: "/extras", blockResources: ["image"] });
      expect(site.requestCount("/pixel.png")).toBe(before);
      await render({ path: "/extras" });
      expect(site.requestCount("/pixel.png")).toBe(before + 1);
    });

    it("device: the device's size, scale and browser", async () => {
      const phone = await render({ path: "/extras?device=1", device: "iPhone X" });
      expect(imageSize(phone.bytes)).toMatchObject({ width: 1125, height: 2436 });
      expect(site.lastHeaders("/extras")?.["user-agent"]).toMatch(/iPhone/);
    });

    it("clip: only the region, at its size", async () => {
      const clipped = await render({ path: "/extras", clip: "10,10,50,40" });
      expect(imageSize(clipped.bytes)).toMatchObject({ width: 50, height: 40 });
      const onTheBox = await render({
        path: "/extras",
        clip: { x: 50, y: 50, width: 20, height: 20 },
      });
      expect(await pixel(onTheBox.bytes, 10, 10)).toEqual([255, 0, 0]);
    });

    it("headers: sent with the page itself, not with what it loads", async () => {
      await render({ path: "/extras?headers=1", headers: ["X-Tenant: acme"] });
      expect(site.lastHeaders("/extras")?.["x-tenant"]).toBe("acme");
      expect(site.lastHeaders("/pixel.png")?.["x-tenant"]).toBeUndefined();
    });

    it("format pdf: Chromium's print to PDF, on the paper asked for", async () => {
      const pdf = await render({ path: "/extras", format: "pdf" });
      expect(pdf.contentType).toBe("application/pdf");
      expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString()).toBe("%PDF-");
      const letter = await render({ path: "/extras", format: "pdf", paperSize: "letter" });
      // A4 is 595×842 points, US Letter 612×792.
      expect(Buffer.from(pdf.bytes).toString("latin1")).toMatch(/MediaBox \[0 0 595(\.\d+)? 841/);
      expect(Buffer.from(letter.bytes).toString("latin1")).toMatch(/MediaBox \[0 0 612 792\]/);
      // An unchanged page prints to the same bytes, whenever it is printed.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(same(pdf.bytes, (await render({ path: "/extras", format: "pdf" })).bytes)).toBe(true);
    });

    it("blockCookieBanners: a OneTrust banner is answered and gone from the shot", async () => {
      const shown = await render({ path: "/consent" });
      expect(await pixel(shown.bytes, 100, 650)).toEqual([0, 0, 255]);
      const dismissed = await render({ path: "/consent", blockCookieBanners: true });
      expect(await pixel(dismissed.bytes, 100, 650)).toEqual([255, 255, 255]);
    });

    it("blockCookieBanners: a banner still there after its reject was clicked is hidden", async () => {
      const shown = await render({ path: "/consent?stuck" });
      expect(await pixel(shown.bytes, 100, 650)).toEqual([0, 0, 255]);
      const hidden = await render({ path: "/consent?stuck", blockCookieBanners: true });
      expect(await pixel(hidden.bytes, 100, 650)).toEqual([255, 255, 255]);
    });

    it("blockAds: the ad slots are hidden, late ones too, and the ad loader never requested", async () => {
      const loader = "/pagead/js/adsbygoogle.js";
      const before = site.requestCount(loader);
      const shown = await render({ path: "/ads", delay: 600 });
      expect(await pixel(shown.bytes, 150, 50)).toEqual([255, 0, 0]);
      expect(await pixel(shown.bytes, 150, 150)).toEqual([0, 255, 0]);
      expect(await pixel(shown.bytes, 550, 50)).toEqual([0, 0, 255]);
      expect(site.requestCount(loader)).toBe(before + 1);
      // Under a CSP that allows the page's own style sheet only.
      const blocked = await render({ path: "/ads", delay: 600, blockAds: true });
      // The slots are gone: the article moves up into their place, and the rest is white.
      expect(await pixel(blocked.bytes, 150, 150)).toEqual([255, 255, 255]);
      expect(await pixel(blocked.bytes, 299, 50)).toEqual([255, 255, 255]);
      expect(await pixel(blocked.bytes, 550, 50)).toEqual([255, 255, 255]);
      expect(site.requestCount(loader)).toBe(before + 1);
    });

    it("blockAds: applies an operator's own filter lists too", async () => {
      const custom = open({
        adFilterLists: ["###button", "/pixel.png$image\n/ad-frame$subdocument"],
      });
      const shown = await render({ path: "/extras" }, custom);
      expect(await pixel(shown.bytes, 350, 90)).toEqual([255, 0, 0]);
      const images = site.requestCount("/pixel.png");
      const blocked = await render({ path: "/extras", blockAds: true }, custom);
      expect(await pixel(blocked.bytes, 350, 90)).toEqual([255, 255, 255]);
      expect(site.requestCount("/pixel.png")).toBe(images);
      // A frame's own navigation is a sub-frame request.
      const frames = site.requestCount("/ad-frame");
      await render({ path: "/ads", blockAds: true }, custom);
      expect(site.requestCount("/ad-frame")).toBe(frames);
      await render({ path: "/ads" }, custom);
      expect(site.requestCount("/ad-frame")).toBe(frames + 1);
    });

    it("userAgent: the page is asked for with it", async () => {
      await render({ path: "/options", userAgent: "shotcache-test/1.0" });
      expect(site.lastHeaders("/options")?.["user-agent"]).toBe("shotcache-test/1.0");
    });
  });

  it("gives identical bytes for ten renders of an unchanged page", async () => {
    const renders = [];
    for (let i = 0; i < 10; i++) renders.push(await render({ path: "/options" }));
    const [first] = renders;
    expect(renders.every((each) => first && same(each.bytes, first.bytes))).toBe(true);
    const changing = [await render({ path: "/changing" }), await render({ path: "/changing" })];
    expect(
      same(changing[0]?.bytes ?? new Uint8Array(), changing[1]?.bytes ?? new Uint8Array()),
    ).toBe(false);
  });

  it("flags a single-colour render as blank", async () => {
    expect((await render({ path: "/options" })).blank).toBe(false);
    expect((await render({ path: "/options", selector: "#box" })).blank).toBe(true);
  });

  it("keeps each capture to itself: no cookie, stored item or cached file reaches the next", async () => {
    const green = [0, 128, 0];
    const images = () => site.requestCount("/cached.png");
    // The control: two loads in one page of one browser share all three, and the page says so.
    const shared = await puppeteer.launch(browserLaunchOptions(executablePath as string));
    try {
      const page = await shared.newPage();
      await page.goto(site.url("/remember"));
      const imagesBefore = images();
      await page.goto(site.url("/remember?again"));
      expect(await pixel(await page.screenshot(), 5, 5)).toEqual([255, 0, 0]);
      expect(site.lastHeaders("/remember")?.cookie).toContain("answered=1");
      expect(images()).toBe(imagesBefore); // the image came from the browser's cache
    } finally {
      await shared.close();
    }
    // Captures, each in a context of its own, made ready ahead or for the render.
    for (const own of [open({ readyContexts: 2 }), open({ readyContexts: 0 })]) {
      const first = await render({ path: "/remember" }, own);
      await own.settled();
      const imagesBefore = images();
      const second = await render({ path: "/remember?again" }, own);
      expect(await pixel(first.bytes, 5, 5)).toEqual(green);
      expect(await pixel(second.bytes, 5, 5)).toEqual(green);
      expect(site.lastHeaders("/remember")?.cookie).toBeUndefined();
      expect(images()).toBe(imagesBefore + 1);
    }
  });

  it("sets each page to its capture's screen, whether made ready ahead or for the render", async () => {
    for (const own of [open({ readyContexts: 0 }), open({ readyContexts: 1 })]) {
      const usual = await render({ path: "/options" }, own);
      await own.settled();
      const dark = await render({ path: "/options", darkMode: true, width: 800, height: 600 }, own);
      expect(imageSize(usual.bytes)).toMatchObject({ width: 1280, height: 720 });
      expect(await pixel(usual.bytes, 5, 5)).toEqual([255, 255, 255]);
      expect(imageSize(dark.bytes)).toMatchObject({ width: 800, height: 600 });
      expect(await pixel(dark.bytes, 5, 5)).toEqual([0, 0, 0]);
    }
  });

  it("tells where each render's time went, step by step", async () => {
    const told: RenderTimings[] = [];
    const own = open({ onTimings: (timings) => told.push(timings) });
    await render({ path: "/stable" }, own);
    await own.settled();
    const started = performance.now();
    await render({ path: "/stable?timed", delay: 300 }, own);
    const took = performance.now() - started;
    expect(told).toHaveLength(2);
    const timings = told[1] as RenderTimings;
    const steps = Object.values(timings);
    expect(steps.every((ms) => ms >= 0)).toBe(true);
    expect(steps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(took);
    expect(timings.settle).toBeGreaterThanOrEqual(300); // the delay is a wait before the shot
    expect(timings.navigation).toBeGreaterThan(0);
    expect(timings.shot).toBeGreaterThan(0);
    // A failed render tells nothing.
    expect(await failure(render({ path: "/status/404" }, own))).toBe("TARGET_HTTP_ERROR");
    expect(told).toHaveLength(2);
  });

  it("maps a 404 target to TARGET_HTTP_ERROR", async () => {
    expect(await failure(render({ path: "/status/404" }))).toBe("TARGET_HTTP_ERROR");
  });

  it("honours the render timeout with RENDER_TIMEOUT", async () => {
    const started = Date.now();
    expect(await failure(render({ path: "/slow?ms=10000", timeout: 1_000 }))).toBe(
      "RENDER_TIMEOUT",
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a render at once when every slot and the queue are full", async () => {
    const busy = open({ concurrency: 1, maxQueued: 1 });
    const running = render({ path: "/slow?ms=1500" }, busy);
    const waiting = render({ path: "/slow?ms=10" }, busy);
    await vi.waitUntil(() => busy.load().running === 1 && busy.load().waiting === 1);
    const started = Date.now();
    const refused = await render({ path: "/stable" }, busy).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(500);
    expect(CaptureError.is(refused) && [refused.code, refused.retryAfterSeconds]).toEqual([
      "SATURATED",
      2,
    ]);
    await expect(running).resolves.toBeDefined();
    await expect(waiting).resolves.toBeDefined();
  });

  it("renders again on a new browser when its browser is killed mid-render", async () => {
    const crashing = open();
    await render({ path: "/stable" }, crashing);
    const pid = crashing.browserPid() ?? 0;
    const slowBefore = site.requestCount("/slow");
    const during = render({ path: "/slow?ms=2000" }, crashing);
    await vi.waitUntil(() => site.requestCount("/slow") > slowBefore, { timeout: 10_000 });
    process.kill(pid, "SIGKILL");
    expect(MAGIC.png?.((await during).bytes)).toBe(true);
    // Asked for twice: once by the browser that was killed, once by its successor.
    expect(site.requestCount("/slow")).toBe(slowBefore + 2);
    expect(crashing.browserPid()).not.toBe(pid);
    expect(await survivorsAfter([pid])).toEqual([]);
  });

  it("renders again when the page's own process is killed mid-render", async () => {
    const crashing = open({ readyContexts: 0 });
    await render({ path: "/stable" }, crashing);
    const pid = crashing.browserPid() ?? 0;
    const slowBefore = site.requestCount("/slow");
    const during = render({ path: "/slow?ms=2000" }, crashing);
    await vi.waitUntil(() => site.requestCount("/slow") > slowBefore, { timeout: 10_000 });
    const pageProcesses = descendantsOf(pid).filter((info) =>
      info.commandLine.includes("--type=renderer"),
    );
    expect(pageProcesses.length).toBeGreaterThan(0);
    for (const { pid: page } of pageProcesses) process.kill(page, "SIGKILL");
    expect(MAGIC.png?.((await during).bytes)).toBe(true);
    expect(site.requestCount("/slow")).toBe(slowBefore + 2);
  });

  it("passes over a context kept ready whose page's process died before any render took it", async () => {
    const crashing = open({ readyContexts: 1 });
    await render({ path: "/stable" }, crashing);
    await crashing.settled();
    const pid = crashing.browserPid() ?? 0;
    const pageProcesses = descendantsOf(pid).filter((info) =>
      info.commandLine.includes("--type=renderer"),
    );
    for (const { pid: page } of pageProcesses) process.kill(page, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Rendered in the dead page, this would hang until its 5 s deadline.
    const next = await render({ path: "/stable", timeout: 5_000 }, crashing);
    expect(MAGIC.png?.(next.bytes)).toBe(true);
  });

  it("gives up with a coded error when the browser keeps stopping past the deadline", async () => {
    const crashing = open();
    await render({ path: "/stable" }, crashing);
    const slowBefore = site.requestCount("/slow");
    // 1.5 s of a 2 s deadline are gone when the browser dies: too little left to try again.
    const during = render({ path: "/slow?ms=1500", timeout: 2_000 }, crashing);
    await vi.waitUntil(() => site.requestCount("/slow") > slowBefore, { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    process.kill(crashing.browserPid() ?? 0, "SIGKILL");
    expect(await failure(during)).toMatch(/^(RENDER_FAILED|RENDER_TIMEOUT)$/);
    expect(site.requestCount("/slow")).toBe(slowBefore + 1);
  });

  it("replaces its browser after `recycleAfter` renders", async () => {
    const recycling = open({ recycleAfter: 2 });
    await render({ path: "/stable" }, recycling);
    const first = recycling.browserPid();
    await render({ path: "/stable" }, recycling);
    await render({ path: "/stable" }, recycling);
    expect(recycling.browserPid()).not.toBe(first);
    expect(await survivorsAfter([first ?? 0])).toEqual([]);
  });

  it("keeps contexts ready, each with its own guard, and closes them all when closed", async () => {
    await Promise.all(opened.map((each) => each.settled()));
    // A guard proxy is a listening server of this process.
    const guards = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === "TCPServerWrap").length;
    const before = guards();
    const own = open({ readyContexts: 2 });
    await render({ path: "/stable" }, own);
    await own.settled();
    // Two ready for the next renders; the one that rendered was closed after it.
    expect(guards()).toBe(before + 2);
    await render({ path: "/stable?again" }, own);
    await own.settled();
    expect(guards()).toBe(before + 2);
    await own.close();
    expect(guards()).toBe(before);
  });

  it("leaves no browser process and no folder behind when closed", async () => {
    const own = open();
    const before = new Set(browserFolders());
    await render({ path: "/stable" }, own);
    const pid = own.browserPid() ?? 0;
    expect(pid).toBeGreaterThan(0);
    // Our profile folder, and the whole browser's singleton socket folder (the headless shell
    // makes none).
    const created = browserFolders().filter((name) => !before.has(name));
    expect(created.filter((name) => name.startsWith("shotcache-chromium-"))).toHaveLength(1);

    await own.close();
    expect(await survivorsAfter([pid])).toEqual([]);
    expect(created.filter((name) => existsSync(join(tmpdir(), name)))).toEqual([]);
  });
});
