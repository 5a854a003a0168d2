/** @module A render, and a render stored as a cache entry with its change facts and TTL. */
import type { CacheKey } from "./cache-key";
import type { CachePolicy, CachingDecision } from "./cache-policy";
import type { CacheStatus } from "./cache-status";
import { type CacheReason, resultOf, type ShotAnswer } from "./capture-result";
import { changeFactsOf, type RenderNote } from "./change-history";
import { etagFor } from "./etag";
import type { CaptureOptions } from "./options";
import type { RenderedImage, Renderer } from "./ports";
import { renderTtl } from "./render-ttl";
import type { StatsRecorder } from "./stats-recorder";
import type { CacheStore, SetOutcome, StoredShot } from "./store-ports";

/** One capture as the service works on it. */
export interface Job {
  id: CacheKey;
  /** The options with the URL as keyed: what is rendered. */
  target: CaptureOptions;
  caching: Extract<CachingDecision, { cacheable: true }>;
  /** A render by another instance answers this job if it was captured after this time. */
  newerThan: number;
}

export interface RenderStoreOptions {
  renderer: Renderer;
  store: Pick<CacheStore, "noteRender" | "set">;
  policy: CachePolicy;
  now: () => number;
  record: StatsRecorder["record"];
  /** Told about store failures: the image is answered all the same, uncached. */
  onStoreError: (error: unknown, operation: string) => void;
  /** Told of each render stored, with the boxes of its ignored selectors (change-tracking.ts). */
  afterStored: (job: Job, shot: StoredShot, boxes: RenderedImage["boxes"]) => void;
}

export function createRenderStore(options: RenderStoreOptions) {
  const { renderer, store, policy, now, record, onStoreError: storeError, afterStored } = options;
  const answer = (shot: StoredShot, key: string, status: CacheStatus, reason?: CacheReason) =>
    resultOf(shot, key, status, reason, now());

  /** A render, as an entry that is not fresh at all (see `renderAndStore` for stored ones). */
  async function render(target: CaptureOptions) {
    const started = now();
    let image: Awaited<ReturnType<Renderer["render"]>>;
    try {
      image = await renderer.render(target);
    } catch (error) {
      record({ counters: { renderErrors: 1 } });
      throw error;
    }
    const capturedAt = now();
    const shot: StoredShot = {
      bytes: image.bytes,
      contentType: image.contentType,
      etag: etagFor(image.bytes),
      capturedAt,
      changedAt: capturedAt,
      expiresAt: capturedAt,
      renderMs: capturedAt - started,
    };
    return { shot, blank: image.blank === true, boxes: image.boxes };
  }

  /**
   * Renders, notes the render in the page's history (which says whether the image changed and
   * may set the TTL) and stores; the entry is kept past its freshness for the stale windows.
   */
  async function renderAndStore(job: Job, status: "MISS" | "REFRESH"): Promise<ShotAnswer> {
    const { key, urlKey } = job.id;
    const { shot: rendered, blank, boxes } = await render(job.target);
    if (blank) return answer(rendered, key, "BYPASS", "blank-render");
    let note: RenderNote | undefined;
    try {
      const { etag, capturedAt: at } = rendered;
      note = await store.noteRender(key, urlKey, { url: job.target.url, etag, at });
    } catch (error) {
      storeError(error, "history"); // the image is answered all the same, without change facts
    }
    const { changed, changedAt } = note ? changeFactsOf(note.variant) : {};
    const { ttlSeconds, ttlSource } = renderTtl(job.caching, note, policy);
    const shot: StoredShot = {
      ...rendered,
      changed,
      changedAt: changedAt ?? rendered.capturedAt,
      expiresAt: rendered.capturedAt + ttlSeconds * 1000,
      ttlSource,
    };
    let outcome: SetOutcome;
    try {
      const keepSeconds = ttlSeconds + job.caching.staleSeconds;
      outcome = await store.set(key, urlKey, shot, keepSeconds);
    } catch (error) {
      storeError(error, "set");
      return answer(shot, key, "BYPASS", "store-unavailable");
    }
    if (outcome === "too-large") return answer(shot, key, "BYPASS", "too-large");
    if (outcome === "superseded") return answer(shot, key, "BYPASS", "purged-during-render");
    afterStored(job, shot, boxes);
    return answer(shot, key, status);
  }

  return { render, renderAndStore };
}
