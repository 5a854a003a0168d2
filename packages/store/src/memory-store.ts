/**
 * @module The embedded default store: everything in this process's memory, so its locks,
 * watches and statistics are this process's own. Each concern lives in its own module under
 * `memory/`; this module puts them together.
 */
import type { CacheStore } from "@shotcache/core";
import { createMemoryBatches } from "./memory/batches";
import { createMemoryEntries } from "./memory/entries";
import { createMemoryLocks } from "./memory/locks";
import { createMemoryPublicUrls } from "./memory/public-urls";
import { createMemoryRenderHistory } from "./memory/render-history";
import { createMemoryStats } from "./memory/stats";
import { createMemoryVersions } from "./memory/versions";
import { createMemoryWatches } from "./memory/watches";
import { DEFAULT_MAX_ENTRY_BYTES } from "./store-defaults";

export interface MemoryStoreOptions {
  /**
   * Upper bound on the bytes held, versions' images included; least recently used entries are
   * dropped first. @default 256 MiB
   */
  maxBytes?: number;
  /** Largest image stored; larger ones are refused. @default 8 MiB */
  maxEntryBytes?: number;
  /** Monotonic clock in ms for expiry of entries and locks. @default performance.now */
  now?: () => number;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): CacheStore {
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const {
    storage,
    blobs,
    clear: clearEntries,
    ...entries
  } = createMemoryEntries({
    maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
    maxEntryBytes,
    now: options.now,
  });
  const { clear: clearLocks, ...locks } = createMemoryLocks(
    options.now ?? (() => performance.now()),
  );
  const { peekUrlHistory, ...renderHistory } = createMemoryRenderHistory(options.now);
  return {
    kind: "memory",
    inProcess: true,
    ...entries,
    ...locks,
    ...createMemoryPublicUrls(options.now),
    ...renderHistory,
    ...createMemoryWatches(),
    ...createMemoryBatches(options.now),
    ...createMemoryStats({ storage, peekUrlHistory }),
    ...createMemoryVersions({ blobs, maxEntryBytes, now: options.now }),
    async close() {
      clearEntries();
      clearLocks();
    },
  };
}
