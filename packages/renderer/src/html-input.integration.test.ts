import { captureOptionsSchema } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  type RemoteBrowser,
  startFixtureSite,
  startRemoteBrowser,
} from "@shotcache/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserExecutable } from "./find-browser";
import { ALLOW_ALL } from "./network-guard";
import {
  createPuppeteerRenderer,
  type PuppeteerRenderer,
  type PuppeteerRendererOptions,
} from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));

/** The RGB colour at the middle of an image. */
async function middle(image: Uint8Array): Promise<number[]> {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * 3;
  return [data[at] ?? -1, data[at + 1] ?? -1, data[at + 2] ?? -1];
}

/**
 * Markup given as `html` is the page, with the guard as for any page: the renderer here has the
 * default policy (the public internet only), so the loopback fixture site is a private address
 * it must never reach.
 */
describe.skipIf(!executablePath).each(["local", "remote"] as const)(
  "html instead of a url, %s browser (real Chromium)",
  (source) => {
    let site: FixtureSite;
    let remote: RemoteBrowser | undefined;
    let renderer: PuppeteerRenderer;
    const opened: PuppeteerRenderer[] = [];
    const open = (options: PuppeteerRendererOptions = {}) => {
      const created = createPuppeteerRenderer({
        ...options,
        ...(remote ? { browser: { kind: "remote", url: remote.url } } : { executablePath }),
      });
      opened.push(created);
      return created;
    };

    beforeAll(async () => {
      site = await startFixtureSite();
      if (source === "remote") remote = await startRemoteBrowser();
      renderer = open();
    });
    afterAll(async () => {
      await Promise.all(opened.map((each) => each.close()));
      await Promise.all([site?.close(), remote?.close()]);
    });

    it("renders the markup as a page of its own", async () => {
      const html = `<!doctype html><body style="margin:0;background:#0a0"><h1>Invoice 42</h1></body>`;
      const image = await renderer.render(
        captureOptionsSchema.parse({ html, width: 400, height: 300 }),
      );
      expect(await middle(image.bytes)).toEqual([0, 170, 0]);
    });

    it("sends what it embeds through the guard: a loopback address is never reached", async () => {
      const target = site.url("/pixel.png");
      const html = `<!doctype html><body style="margin:0;background:#00a">
<img src="${target}"><iframe src="${site.url("/stable")}"></iframe>
<script>fetch(${JSON.stringify(site.url("/fetch"))}).catch(() => {});</script></body>`;
      const image = await renderer.render(
        captureOptionsSchema.parse({ html, width: 400, height: 300 }),
      );
      expect(await middle(image.bytes)).toEqual([0, 0, 170]);
      expect(site.totalRequests()).toBe(0);
      expect(site.connections()).toBe(0);
      // The same markup where loopback is allowed does ask for them: the guard is what held.
      await open({ network: ALLOW_ALL }).render(captureOptionsSchema.parse({ html }));
      expect(site.requestCount("/pixel.png")).toBe(1);
    });
  },
);
