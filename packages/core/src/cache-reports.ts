/** @module What the store reports: shared statistics, and the cached variants of a URL. */
import { urlKeyFor } from "./cache-key";
import type { CachePolicy } from "./cache-policy";
import { reportVariant, type VariantReport } from "./capture-result";
import { storeUnavailable } from "./errors";
import { type CacheStats, deriveStats } from "./stats-report";
import type { CacheStore } from "./store-ports";

export interface CacheReportsOptions {
  store: Pick<CacheStore, "readStats" | "inspect">;
  now: () => number;
  policy: CachePolicy;
  /** Writes this process's statistics first, so that they are in what is read. */
  flushStats: () => Promise<void>;
}

export function createCacheReports(options: CacheReportsOptions) {
  const { store, now } = options;
  return {
    async stats(hours = 24): Promise<CacheStats> {
      await options.flushStats();
      try {
        const snapshot = await store.readStats({ now: now(), hours });
        return deriveStats(snapshot, options.policy.ttlPolicy.defaultTtlSeconds);
      } catch (cause) {
        throw storeUnavailable(cause);
      }
    },

    async inspect(url: string): Promise<VariantReport[]> {
      try {
        const variants = await store.inspect(urlKeyFor(url).urlKey);
        const at = now();
        return variants
          .map((variant) => reportVariant(variant, at))
          .sort((a, b) => (a.key < b.key ? -1 : 1));
      } catch (cause) {
        throw storeUnavailable(cause);
      }
    },
  };
}
