/// <reference lib="dom" />
// The function passed to page.evaluate runs in the page, where the DOM exists.
/**
 * @module `format=metadata`: what a link preview shows of a page, read from the rendered page
 * itself (so a page that sets its tags by script is read as a visitor sees it).
 */
import type { PageMetadata } from "@shotcache/core";
import type { HTTPResponse, Page } from "puppeteer";

type ReadInPage = Omit<PageMetadata, "url" | "statusCode">;

/**
 * Runs in the page. Open Graph first, then Twitter's cards, then the document's own tags, as
 * link previews read them. The best icon is the largest declared one (a scalable one first),
 * apple-touch-icons counted, else the site's `/favicon.ico`.
 */
function readInPage(): ReadInPage {
  const content = (...selectors: string[]) => {
    for (const selector of selectors) {
      const value = document.querySelector(selector)?.getAttribute("content")?.trim();
      if (value) return value;
    }
    return null;
  };
  const absolute = (url: string | null | undefined) => {
    if (!url) return null;
    try {
      return new URL(url, document.baseURI).href;
    } catch {
      return null;
    }
  };
  const sizeOf = (link: HTMLLinkElement) => {
    const sizes = link.getAttribute("sizes") ?? "";
    if (/\bany\b/i.test(sizes) || /\.svg(\?|$)/i.test(link.href)) return Number.POSITIVE_INFINITY;
    return Math.max(0, ...sizes.split(/\s+/).map((size) => Number.parseInt(size, 10) || 0));
  };
  const icons = [
    ...document.querySelectorAll<HTMLLinkElement>(
      'link[rel~="icon" i], link[rel="apple-touch-icon" i], link[rel="apple-touch-icon-precomposed" i]',
    ),
  ].filter((link) => link.href);
  const best = icons.sort((a, b) => sizeOf(b) - sizeOf(a))[0];
  return {
    finalUrl: location.href,
    title:
      content('meta[property="og:title"]', 'meta[name="twitter:title"]') ??
      (document.title.trim() || null),
    description: content(
      'meta[property="og:description"]',
      'meta[name="twitter:description"]',
      'meta[name="description"]',
    ),
    lang: document.documentElement.lang.trim() || null,
    canonical: absolute(document.querySelector('link[rel="canonical" i]')?.getAttribute("href")),
    image: absolute(
      content(
        'meta[property="og:image"]',
        'meta[property="og:image:url"]',
        'meta[name="twitter:image"]',
        'meta[name="twitter:image:src"]',
      ),
    ),
    icon: best ? best.href : absolute("/favicon.ico"),
    themeColor: content('meta[name="theme-color"]'),
  };
}

/** The page's metadata as JSON bytes, in a fixed field order: the same page, the same bytes. */
export async function pageMetadata(
  page: Page,
  url: string,
  response: HTTPResponse | null,
): Promise<Uint8Array> {
  const read = await page.evaluate(readInPage);
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
