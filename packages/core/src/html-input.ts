/**
 * @module `html`: a page given as its markup rather than its address (an invoice, an OG card, an
 * e-mail template). It is captured at an address of its own, made from its hash, so that
 * everything keyed by a page's URL (the cache key, purge, inspect, stats, history) works for it
 * unchanged, and two captures of the same markup are one.
 */
import { z } from "zod";
import { shortHash } from "./hash";

/**
 * Where given markup is served to the browser, by the renderer itself. `.invalid` is reserved
 * (RFC 2606): no resolver answers it, so nothing ever reaches a host by this name.
 */
export const HTML_PAGE_ORIGIN = "https://html.shotcache.invalid";

export const MAX_HTML_BYTES = 2 * 1024 * 1024;

export const htmlSchema = z
  .string()
  .min(1)
  .refine(
    (html) => new TextEncoder().encode(html).byteLength <= MAX_HTML_BYTES,
    `may hold at most ${MAX_HTML_BYTES / 1024 / 1024} MB`,
  );

/** Whether `url` is on the host of given markup, however it is spelled (case, port, user). */
export const isHtmlPageUrl = (url: string) =>
  URL.canParse(url) && new URL(url).hostname === new URL(HTML_PAGE_ORIGIN).hostname;

/** The address given markup is captured at: the same markup, the same address. */
export const htmlPageUrl = (html: string) => `${HTML_PAGE_ORIGIN}/${shortHash(html, 43)}`;
