import { captureOptionsSchema } from "@shotcache/core";
import { availableOrSkip, type FixtureSite, startFixtureSite } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserExecutable } from "./find-browser";
import { ALLOW_ALL } from "./network-guard";
import { createPuppeteerRenderer, type PuppeteerRenderer } from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));

describe.skipIf(!executablePath)("format=metadata (real Chromium)", () => {
  let site: FixtureSite;
  let renderer: PuppeteerRenderer;
  const metadataOf = async (path: string) => {
    const url = site.url(path);
    const rendered = await renderer.render(captureOptionsSchema.parse({ url, format: "metadata" }));
    expect(rendered.contentType).toBe("application/json");
    expect(rendered.blank).toBe(false);
    return { text: new TextDecoder().decode(rendered.bytes), url };
  };

  beforeAll(async () => {
    site = await startFixtureSite();
    renderer = createPuppeteerRenderer({ executablePath, network: ALLOW_ALL });
  });
  afterAll(async () => {
    await renderer?.close();
    await site?.close();
  });

  it("reads every tag, the better ones first, with absolute URLs and the largest icon", async () => {
    const { text, url } = await metadataOf("/metadata?from=test");
    expect(JSON.parse(text)).toEqual({
      url,
      finalUrl: url,
      statusCode: 200,
      title: "Open Graph title",
      description: "Open Graph description",
      lang: "en-GB",
      canonical: site.url("/metadata"),
      image: site.url("/images/card.png"),
      icon: site.url("/icons/192.png"),
      themeColor: "#0a7",
    });
    // The same page gives the same bytes, so its ETag holds.
    expect((await metadataOf("/metadata?from=test")).text).toBe(text);
  });

  it("falls back to the document's title and the site's favicon, and says null for the rest", async () => {
    const { text } = await metadataOf("/stable");
    expect(JSON.parse(text)).toMatchObject({
      description: null,
      lang: null,
      canonical: null,
      image: null,
      icon: site.url("/favicon.ico"),
      themeColor: null,
    });
  });

  it("keeps only http(s) URLs, bounded, and of icons the same size the first", async () => {
    const html = `<title>${"t".repeat(3000)}</title>
<meta property="og:image" content="javascript:alert(1)">
<link rel="icon" href="first.svg"><link rel="icon" href="second.svg" sizes="any">`;
    const rendered = await renderer.render(
      captureOptionsSchema.parse({ html, format: "metadata" }),
    );
    const metadata = JSON.parse(new TextDecoder().decode(rendered.bytes));
    expect(metadata).toMatchObject({ title: null, image: null });
    expect(metadata.icon).toMatch(/\/first\.svg$/);
  });

  it("follows a redirect and names where it ended", async () => {
    const target = site.url("/metadata");
    const { text } = await metadataOf(`/redirect?to=${encodeURIComponent(target)}`);
    expect(JSON.parse(text)).toMatchObject({ finalUrl: target, title: "Open Graph title" });
  });
});
