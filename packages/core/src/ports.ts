/**
 * @module The ports: what core needs from outside it, each implemented by an adapter package. The
 * cache store's ports, one per concern, are in `store-ports.ts`.
 */
import type { CaptureOptions } from "./options";
import type { Region } from "./versions";

export interface RenderedImage {
  bytes: Uint8Array;
  contentType: string;
  /** The image is a single colour: most likely a page that had not drawn yet. Never cached. */
  blank?: boolean;
  /**
   * Where the elements of each of the options' `ignoreSelectors` were when the shot was taken,
   * in image pixels (for the change measure).
   */
  boxes?: Record<string, Region[]>;
}

/** Turns capture options into an image. Implemented by `@shotcache/renderer`. */
export interface Renderer {
  /** Rejects with a `CaptureError` whose code says why the capture failed. */
  render(options: CaptureOptions): Promise<RenderedImage>;
  close(): Promise<void>;
}

/**
 * Measures how much an image changed against an earlier one: the share of compared pixels that
 * differ, `masks` left out (0–1). Implemented by `@shotcache/visual-change`, off the event loop.
 */
export interface ChangeMeter {
  measure(input: ChangeInput): Promise<number>;
  /** The same, and a PNG of `after` faded with the changed pixels red and the masks hatched. */
  diff(input: ChangeInput): Promise<{ ratio: number; png: Uint8Array }>;
}

/** Two images to compare, and what the comparison leaves out (image pixels). */
export interface ChangeInput {
  before: Uint8Array;
  after: Uint8Array;
  masks: Region[];
}

/** Sends watch webhooks, only where the network policy allows. Implemented by `@shotcache/renderer`. */
export interface WebhookSender {
  /** Refuses, with a coded error naming the field `webhook`, a URL the policy does not allow. */
  check(url: string): Promise<void>;
  /**
   * POSTs `body` to `url`, dialling the very address the policy allowed and following no
   * redirect; rejects unless the receiver answers 2xx.
   */
  post(
    url: string,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<void>;
}

/** A CDN in front of public images, told to drop what a purge at the origin dropped. */
export interface CdnPurger {
  /** How it is named in purge answers, logs and metrics, e.g. `xkey`. */
  readonly name: string;
  /** It purges by exact URL: it needs the public URLs that were answered for the page. */
  readonly byUrl?: boolean;
  /**
   * Drops every cached copy carrying any of `tags` (see `surrogateKeysOf`), or at `urls` (the
   * public URLs answered for what was purged, when `byUrl`). Rejects when the CDN refused or
   * could not be reached; `signal` aborts an attempt that has run out of time.
   */
  purge(target: { tags: string[]; urls: string[] }, signal: AbortSignal): Promise<void>;
}

/** The answer of a rate limiter for one request. */
export interface RateLimitDecision {
  success: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** When the window resets (epoch ms). */
  reset: number;
}

/** Counts requests per identifier (an API key, an address) over a sliding window. */
export interface RateLimiter {
  limit(identifier: string): Promise<RateLimitDecision>;
  /** Closes the limiter's own connection, if it has one. */
  close?(): Promise<void>;
}
