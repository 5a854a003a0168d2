import {
  HISTORY_KEEP_SECONDS,
  type StoredVersion,
  type VersionStore,
  withRatio,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { lruClock } from "./clock";
import type { MemoryBlobs } from "./entries";

export interface MemoryVersionOptions {
  /** Where the images go: the entries' LRU, under the store's one cap. */
  blobs: MemoryBlobs;
  /** Largest image kept; larger ones are not. */
  maxEntryBytes: number;
  now: (() => number) | undefined;
}

const imageId = (key: string, etag: string) => `version:${key}:${etag}`;

/**
 * Each variant's versions, newest first, with their images kept as blobs in the entries' LRU: a
 * version whose image that LRU has dropped (under memory pressure) is no longer listed.
 */
export function createMemoryVersions(options: MemoryVersionOptions): VersionStore {
  const { blobs } = options;
  const keepMs = HISTORY_KEEP_SECONDS * 1000;
  const histories = new LRUCache<string, StoredVersion[]>({
    max: 100_000,
    ttl: keepMs,
    ...lruClock(options.now),
  });
  const held = (key: string) =>
    (histories.get(key) ?? []).filter(({ etag }) => blobs.has(imageId(key, etag)));

  return {
    async addVersion(key, _urlKey, version, keep) {
      const versions = held(key);
      if (version.bytes.byteLength > options.maxEntryBytes) return versions;
      if (versions[0]?.etag === version.etag) return versions;
      const { bytes, boxes = {}, ...facts } = version;
      blobs.set(imageId(key, version.etag), bytes, keepMs);
      const kept = [{ ...facts, boxes, changeRatios: {} }, ...versions].slice(0, keep);
      for (const dropped of versions.slice(keep - 1)) {
        if (!kept.some(({ etag }) => etag === dropped.etag)) {
          blobs.delete(imageId(key, dropped.etag));
        }
      }
      histories.set(key, kept);
      return held(key);
    },

    listVersions: async (key) => held(key),

    readVersionImage: async (key, _urlKey, etag) =>
      histories.get(key)?.some((version) => version.etag === etag)
        ? blobs.get(imageId(key, etag))
        : undefined,

    async noteChangeRatio(key, _urlKey, { capturedAt, signature, ratio }) {
      const version = histories.get(key)?.find((each) => each.capturedAt === capturedAt);
      if (version) version.changeRatios = withRatio(version.changeRatios, signature, ratio);
    },
  };
}
