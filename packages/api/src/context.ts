import type { BatchService, CaptureService, HistoryService, WatchService } from "@shotcache/core";
import type { AccessPolicy } from "./access";
import type { ClientAddressResolver } from "./client-address";
import type { Metrics } from "./metrics";
import type { RateLimits } from "./rate-limit";
import type { BrowserSourceKind, RenderLoad } from "./render-load";
import type { RequestLogger } from "./request-log";

/** What the host builds once per process and hands to every request. */
export interface ApiContext {
  captureService: CaptureService;
  /** A variant's versions, their images and diffs; none when the server keeps no versions. */
  history?: HistoryService;
  /** Which cache store is in use, for health output. */
  storeKind: string;
  /**
   * Whether a REST capture answered from an image in the object store redirects to a presigned
   * URL of it (SHOTCACHE_OBJECT_REDIRECT) instead of sending its bytes.
   */
  redirectToObjects?: boolean;
  /** Who may call what. */
  access: AccessPolicy;
  /** Limits on captures; none = unlimited. */
  rateLimits?: RateLimits;
  /** Secret of signed public URLs; without it, signed URLs are refused. */
  signingSecret?: string;
  /** Secret of the invalidation webhook; without it, the webhook answers 404. */
  webhookSecret?: string;
  /** Watches of pages, told to webhooks when they change; none = watches are off. */
  watches?: WatchService;
  /** Batches of captures answered later; none = batches are off. */
  batches?: BatchService;
  /** Shortest interval a watch may ask for, in seconds. @default 60 */
  watchMinSeconds?: number;
  /** This process's Prometheus metrics, for `/api/metrics`. */
  metrics?: Metrics;
  /** Where the browser comes from, for health output; none when renders run on workers. */
  browserSource?: BrowserSourceKind;
  /**
   * Whether this machine's browser has fonts for CJK text and colour emoji, for health output;
   * none where the browser is elsewhere (remote, serverless, render workers).
   */
  fonts?: { cjk: boolean; emoji: boolean };
  /**
   * Secret of the cron route (`Authorization: Bearer <secret>`) that runs the due watches; without
   * it, the route answers 404.
   */
  cronSecret?: string;
  /** What the renderer is doing, for health output. */
  renderLoad?: () => RenderLoad;
  /** Whether the server is shutting down (health then says `draining`). */
  draining?: () => boolean;
  /** Who the caller is (the trusted proxies); without it, the connection's peer. */
  clientAddressOf?: ClientAddressResolver;
  /** Where each request is logged, one line, with its id. */
  logger?: RequestLogger;
  /** Told about failures that become a 500, whose details never reach the caller. */
  onUnexpectedError?: (error: unknown) => void;
}
