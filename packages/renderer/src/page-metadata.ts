/**
 * @module `format=metadata`: what a link preview shows of a page, read from the rendered page
 * itself (so a page that sets its tags by script is read as a visitor sees it).
 */
import type { PageMetadata } from "@shotcache/core";
import type { HTTPResponse, Page } from "puppeteer";

type ReadInPage = Omit<PageMetadata, "url" | "statusCode">;

/** Longest text or URL kept of any one fact: a preview needs no more, and a `data:` URL is out. */
const MAX_FACT_CHARACTERS = 2048;

/**
 * Runs in the page, as text: a function handed to `page.evaluate` would be rewritten by a
 * transpiler that keeps names (tsx) with a helper the page does not have. Open Graph first, then
 * Twitter's cards, then the document's own tags, as link previews read them. URLs are made
 * absolute and kept only when http(s). The best icon is the largest declared one (a scalable one
 * first), apple-touch-icons counted, else the site's `/favicon.ico`.
 */
const READ_IN_PAGE = `(() => {
  const cap = (text) => (text && text.length <= ${MAX_FACT_CHARACTERS} ? text : null);
  const content = (...selectors) => {
    for (const selector of selectors) {
      const value = document.querySelector(selector)?.getAttribute("content")?.trim();
      if (value) return cap(value);
    }
    return null;
  };
  const absolute = (url) => {
    if (!url) return null;
    try {
      const parsed = new URL(url, document.baseURI);
      return /^https?:$/.test(parsed.protocol) ? cap(parsed.href) : null;
    } catch {
      return null;
    }
  };
  const sizeOf = (link) => {
    const sizes = link.getAttribute("sizes") || "";
    if (/\\bany\\b/i.test(sizes) || /\\.svg(\\?|$)/i.test(link.href)) return 1e9;
    return Math.max(0, ...sizes.split(/\\s+/).map((size) => Number.parseInt(size, 10) || 0));
  };
  const icons = [
    ...document.querySelectorAll(
      'link[rel~="icon" i], link[rel="apple-touch-icon" i], link[rel="apple-touch-icon-precomposed" i]',
    ),
  ].filter((link) => absolute(link.href));
  // A stable sort: of icons the same size, the first declared wins.
  const best = icons.sort((a, b) => sizeOf(b) - sizeOf(a))[0];
  return {
    finalUrl: location.href,
    title:
      content('meta[property="og:title"]', 'meta[name="twitter:title"]') ??
      cap(document.title.trim() || null),
    description: content(
      'meta[property="og:description"]',
      'meta[name="twitter:description"]',
      'meta[name="description"]',
    ),
    lang: cap(document.documentElement.lang.trim() || null),
    canonical: absolute(document.querySelector('link[rel="canonical" i]')?.getAttribute("href")),
    image: absolute(
      content(
        'meta[property="og:image"]',
        'meta[property="og:image:url"]',
        'meta[name="twitter:image"]',
        'meta[name="twitter:image:src"]',
      ),
    ),
    icon: best ? absolute(best.href) : absolute("/favicon.ico"),
    themeColor: content('meta[name="theme-color"]'),
  };
})()`;

/** The page's metadata as JSON bytes, in a fixed field order: the same page, the same bytes. */
export async function pageMetadata(
  page: Page,
  url: string,
  response: HTTPResponse | null,
): Promise<Uint8Array> {
  const read = (await page.evaluate(READ_IN_PAGE)) as ReadInPage;
  const metadata: PageMetadata = {
    url,
    finalUrl: read.finalUrl,
    statusCode: response?.status() ?? null,
    title: read.title,
    description: read.description,
    lang: read.lang,
    canonical: read.canonical,
    image: read.image,
    icon: read.icon,
    themeColor: read.themeColor,
  };
  return new TextEncoder().encode(JSON.stringify(metadata));
}
