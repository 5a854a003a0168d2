import type { ObservedInterval } from "@shotcache/core";

/** A URL's history of renders, across its variants, as the statistics report it. */
export interface UrlHistory {
  renders: number;
  changes: number;
  intervals: ObservedInterval[];
}
