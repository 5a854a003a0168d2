import {
  HISTORY_KEEP_SECONDS,
  type ObservedInterval,
  type RenderHistoryStore,
  type RenderObservation,
  URL_INTERVALS_KEPT,
  VARIANT_RENDERS_KEPT,
} from "@shotcache/core";
import type { UrlHistory } from "../url-history";
import { listOf, type RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";

/** A render as lua/render-history/note-render.lua keeps it: `<at> <changed at> <etag>`. */
function observationFrom(stored: unknown): RenderObservation[] {
  const [, at, changedAt, etag] = /^(\d+) (\d+) (.+)$/.exec(String(stored)) ?? [];
  return etag ? [{ at: Number(at), changedAt: Number(changedAt), etag }] : [];
}

/** An interval as the scripts keep it: `<seconds> <0|1> <at>` (or, noted earlier, without `<at>`). */
function intervalFrom(stored: unknown): ObservedInterval[] {
  const [seconds, changed] = String(stored).split(" ");
  const value = Number(seconds);
  return Number.isFinite(value) ? [{ seconds: value, changed: changed === "1" }] : [];
}

/** Each variant's latest renders and each URL's intervals between them, noted in one script. */
export function createRedisRenderHistory(
  driver: RedisDriver,
  keys: RedisKeys["renderHistory"],
): RenderHistoryStore {
  return {
    async noteRender(key, urlKey, render) {
      const [renders, intervals] = listOf(
        await driver.runScript(
          "noteRender",
          [keys.renders(key, urlKey), keys.counts(urlKey), keys.intervals(urlKey)],
          [
            render.etag,
            Math.round(render.at),
            VARIANT_RENDERS_KEPT,
            URL_INTERVALS_KEPT,
            HISTORY_KEEP_SECONDS,
          ],
        ),
      );
      return {
        variant: listOf(renders).flatMap(observationFrom),
        urlIntervals: listOf(intervals).flatMap(intervalFrom),
      };
    },

    async reviseRender(key, urlKey, at) {
      const changedAt = await driver.runScript(
        "reviseRender",
        [keys.renders(key, urlKey), keys.counts(urlKey), keys.intervals(urlKey)],
        [Math.round(at)],
      );
      // A script's `false` reaches Node as null.
      return changedAt === null || changedAt === undefined ? undefined : Number(changedAt);
    },
  };
}

/** The history of the URL keyed `urlKey` (empty once it has expired). */
export async function readUrlHistory(
  driver: RedisDriver,
  keys: RedisKeys["renderHistory"],
  urlKey: string,
): Promise<UrlHistory> {
  const [renders, changes, intervals] = listOf(
    await driver.runScript("readUrlHistory", [keys.counts(urlKey), keys.intervals(urlKey)], []),
  );
  return {
    renders: Number(renders ?? 0),
    changes: Number(changes ?? 0),
    intervals: listOf(intervals).flatMap(intervalFrom),
  };
}
