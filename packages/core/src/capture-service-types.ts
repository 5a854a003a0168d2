/** @module What the capture service is given, and what it offers its hosts (REST, tRPC, watches). */
import type { CachePolicy } from "./cache-policy";
import type { CaptureResult, PurgeOutcome, PurgeRequest, VariantReport } from "./capture-result";
import type { CdnPurgeOptions } from "./cdn-purge";
import type { CounterValues } from "./counters";
import type { StoreGuardOptions } from "./guarded-store";
import type { CaptureOptions } from "./options";
import type { CdnPurger, ChangeMeter, Renderer } from "./ports";
import type { CacheStats } from "./stats-report";
import type { CacheStore } from "./store-ports";

export interface CaptureServiceOptions {
  store: CacheStore;
  renderer: Renderer;
  policy?: CachePolicy;
  /** Clock in epoch ms. */
  now?: () => number;
  /** Uniform random numbers in [0, 1) for XFetch; tests pass a seeded one. */
  random?: () => number;
  /** XFetch β: above 1 refreshes earlier, below 1 later. @default 1 */
  xfetchBeta?: number;
  /**
   * How long a render lock lasts unless its holder renews it, which it does every third of this
   * while it renders: how soon the lock of a holder that died (or of an attempt whose answer was
   * lost) is free again. @default 15000
   */
  lockTtlMs?: number;
  /** Longest wait for another instance's render: longer than the longest render. @default 70000 */
  lockWaitMs?: number;
  /** How often a request waiting for another instance's render looks for its result. @default 100 */
  lockPollMs?: number;
  /** Deadlines and circuit breaking for store calls. */
  storeGuard?: StoreGuardOptions;
  /** Told about store failures, which never fail a capture. */
  onStoreError?: (error: unknown, operation: string) => void;
  /** Told about failed background renders; the entry they would have replaced stays. */
  onBackgroundError?: (error: unknown) => void;
  /** Told about every capture answered (for process metrics), with how long it took. */
  onCaptured?: (result: CaptureResult, durationMs: number) => void;
  /** How long statistics are added up in memory before one write to the store. @default 1000 */
  statsFlushMs?: number;
  /**
   * Versions kept per variant (their images, and the change between them); 0 keeps none.
   * @default 5 (DEFAULT_HISTORY_VERSIONS)
   */
  historyVersions?: number;
  /** Measures the change between versions; without one, versions are kept but not compared. */
  changeMeter?: ChangeMeter;
  /** CDNs in front of public images: every purge reaches them too. */
  cdnPurgers?: readonly CdnPurger[];
  /** Deadline, attempts and back-off of CDN purges. */
  cdnPurge?: Omit<CdnPurgeOptions, "onFailure">;
  /** Told about every CDN purge attempt that failed (it is retried a few times). */
  onCdnPurgeFailure?: (cdn: string, error: unknown, attempt: number) => void;
}

/** How a caller takes a capture's answer. */
export interface CaptureHow {
  /**
   * A URL of the image will do instead of its bytes (a redirect): a cached image kept in an object
   * store that hands out URLs is then answered by `location`, without reading it.
   */
  location?: boolean;
}

export interface CaptureService {
  /**
   * One capture; `apiKeyId`, the id of the API key it was made with, counts it in that key's
   * usage; `how` says what form of answer the caller can use.
   */
  capture(options: CaptureOptions, apiKeyId?: string, how?: CaptureHow): Promise<CaptureResult>;
  /**
   * Drops cached entries here and at the CDNs; resolves to how many entries were removed and what
   * each CDN said. `requestedAt` (epoch ms), when the purge was asked for earlier than now (a
   * webhook), makes the recorded lag include the wait.
   */
  purge(request: PurgeRequest, requestedAt?: number): Promise<PurgeOutcome>;
  /**
   * Notes that `result` was answered at the public URL `url`, which a CDN may keep, so that a
   * purge can name it to CDNs that purge by exact URL. Never waits for the store.
   */
  notePublicAnswer(options: CaptureOptions, result: CaptureResult, url: string): void;
  /** Shared statistics, with `hours` of hourly buckets (at most 7 days). @default 24 */
  stats(hours?: number): Promise<CacheStats>;
  /** The cached variants of `url`, with their age, remaining freshness and size. */
  inspect(url: string): Promise<VariantReport[]>;
  /** The store's circuit: `closed` when it answers, `open` while it is left alone after failures. */
  storeCircuit(): "closed" | "open" | "probing";
  /**
   * Settles once the work this process started beside its answers is done: background renders,
   * store writes nobody waited for, CDN purge retries and repeats, and statistics written. A
   * serverless host runs it through `after()`, so the instance may be frozen once it settles.
   */
  idle(): Promise<void>;
  /**
   * True the first time `name` is claimed within `ttlMs`, in any instance sharing the store (a
   * webhook delivery, say); false after. Fails when the store cannot say.
   */
  claimOnce(name: string, ttlMs: number): Promise<boolean>;
  /** Adds to the shared counters, for work done beside captures (watch deliveries). */
  count(counters: Partial<CounterValues>): void;
}
