import {
  HISTORY_KEEP_SECONDS,
  intervalClosedBy,
  type ObservedInterval,
  observe,
  type RenderHistoryStore,
  type RenderObservation,
  URL_INTERVALS_KEPT,
  VARIANT_RENDERS_KEPT,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import type { UrlHistory } from "../url-history";

/** An interval as this store keeps it: with the time of the render that closed it. */
type KeptInterval = ObservedInterval & { at: number };

interface KeptUrlHistory extends Omit<UrlHistory, "intervals"> {
  intervals: KeptInterval[];
}

/** The interval as core knows it, without what only this store needs. */
const observed = ({ seconds, changed }: ObservedInterval): ObservedInterval => ({
  seconds,
  changed,
});

import { lruClock } from "./clock";

/** Each variant's latest renders and each URL's intervals between them, by core's own rules. */
export function createMemoryRenderHistory(now: (() => number) | undefined): RenderHistoryStore & {
  /** The history of the URL keyed `urlKey`, without counting as a use of it. */
  peekUrlHistory(urlKey: string): UrlHistory | undefined;
} {
  const historyOptions = { max: 100_000, ttl: HISTORY_KEEP_SECONDS * 1000, ...lruClock(now) };
  /** By variant key, newest first. */
  const variantRenders = new LRUCache<string, RenderObservation[]>(historyOptions);
  const urlHistories = new LRUCache<string, KeptUrlHistory>(historyOptions);

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
        const kept = { ...interval, at: render.at };
        history.intervals = [kept, ...history.intervals].slice(0, URL_INTERVALS_KEPT);
      }
      urlHistories.set(urlKey, history);
      return { variant, urlIntervals: history.intervals.map(observed) };
    },

    async reviseRender(key, urlKey, at) {
      const renders = variantRenders.get(key) ?? [];
      const index = renders.findIndex((render) => render.at === at);
      const render = renders[index];
      const before = renders[index + 1];
      if (!render || !before || render.changedAt !== at) return undefined;
      render.changedAt = before.changedAt;
      const history = urlHistories.get(urlKey);
      const interval = history?.intervals.find((each) => each.at === at && each.changed);
      if (history && interval) {
        interval.changed = false;
        history.changes--;
      }
      return render.changedAt;
    },

    peekUrlHistory: (urlKey) => {
      const history = urlHistories.peek(urlKey);
      return history && { ...history, intervals: history.intervals.map(observed) };
    },
  };
}
