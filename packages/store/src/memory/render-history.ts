import {
  HISTORY_KEEP_SECONDS,
  intervalClosedBy,
  observe,
  type RenderHistoryStore,
  type RenderObservation,
  URL_INTERVALS_KEPT,
  VARIANT_RENDERS_KEPT,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import type { UrlHistory } from "../url-history";
import { lruClock } from "./clock";

/** Each variant's latest renders and each URL's intervals between them, by core's own rules. */
export function createMemoryRenderHistory(now: (() => number) | undefined): RenderHistoryStore & {
  /** The history of the URL keyed `urlKey`, without counting as a use of it. */
  peekUrlHistory(urlKey: string): UrlHistory | undefined;
} {
  const historyOptions = { max: 100_000, ttl: HISTORY_KEEP_SECONDS * 1000, ...lruClock(now) };
  /** By variant key, newest first. */
  const variantRenders = new LRUCache<string, RenderObservation[]>(historyOptions);
  const urlHistories = new LRUCache<string, UrlHistory>(historyOptions);

  return {
    async noteRender(key, urlKey, render) {
      const earlier = variantRenders.get(key) ?? [];
      const latest = observe(earlier[0], render);
      const variant = [latest, ...earlier].slice(0, VARIANT_RENDERS_KEPT);
      variantRenders.set(key, variant);
      const history = urlHistories.get(urlKey) ?? { renders: 0, changes: 0, intervals: [] };
      const interval = intervalClosedBy(earlier[0], latest);
      history.renders++;
      if (interval) {
        if (interval.changed) history.changes++;
        history.intervals = [interval, ...history.intervals].slice(0, URL_INTERVALS_KEPT);
      }
      urlHistories.set(urlKey, history);
      return { variant, urlIntervals: history.intervals };
    },

    peekUrlHistory: (urlKey) => urlHistories.peek(urlKey),
  };
}
