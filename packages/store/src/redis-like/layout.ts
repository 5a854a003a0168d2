/**
 * @module Where the Redis and Upstash stores keep things: the key names, by concern.
 *
 * All keys of one URL share a hash tag, `{urlKey}`, all statistics keys share `{stats}`, all
 * watch keys `{watches}` and all batch keys `{batches}`, so that the keys of each script live in one Redis Cluster slot (a
 * script may only touch keys of one slot, and only those it declares). These names are stored
 * data: changing one orphans what deployments already keep under it.
 */
export function redisKeys(prefix: string) {
  const ofUrl = (urlKey: string) => `${prefix}{${urlKey}}`;
  const stats = `${prefix}{stats}`;
  const watches = `${prefix}{watches}`;
  const batches = `${prefix}{batches}`;
  return {
    entries: {
      /** An entry: its frame (see entry-codec). */
      entry: (key: string, urlKey: string) => `${ofUrl(urlKey)}:${key}`,
      /** Sorted set of a URL's entry keys, scored by when they leave the store (epoch ms). */
      variants: (urlKey: string) => `${ofUrl(urlKey)}:variants`,
      /** When the URL was last purged (epoch ms): renders started earlier may not store. */
      purgedAt: (urlKey: string) => `${ofUrl(urlKey)}:purged-at`,
    },
    locks: {
      lock: (name: string) => `${prefix}lock:${name}`,
    },
    publicUrls: {
      /** Sorted set of `<variant key> <public URL>` answered for the URL, by when (epoch ms). */
      answered: (urlKey: string) => `${ofUrl(urlKey)}:public-urls`,
    },
    renderHistory: {
      /** List of a variant's latest renders, `<at> <changed at> <etag>`, newest first. */
      renders: (key: string, urlKey: string) => `${ofUrl(urlKey)}:renders:${key}`,
      /** Hash of the URL's counts of `renders` and `changes`. */
      counts: (urlKey: string) => `${ofUrl(urlKey)}:history`,
      /**
       * List of the URL's intervals between a variant's renders, `<seconds> <0|1> <at>` (the
       * render that closed it), newest first.
       */
      intervals: (urlKey: string) => `${ofUrl(urlKey)}:intervals`,
    },
    versions: {
      /** List of a variant's versions, `<captured at> <etag> <content type>`, newest first. */
      list: (key: string, urlKey: string) => `${ofUrl(urlKey)}:versions:${key}`,
      /** Hash of `<captured at>` → the boxes of ignored selectors at that render (JSON). */
      boxes: (key: string, urlKey: string) => `${ofUrl(urlKey)}:version-boxes:${key}`,
      /** Hash of `<captured at> <mask signature>` → the change against the version before. */
      ratios: (key: string, urlKey: string) => `${ofUrl(urlKey)}:version-ratios:${key}`,
      /** A version's image (its bytes), shared by the versions that show it. */
      image: (key: string, urlKey: string, etag: string) =>
        `${ofUrl(urlKey)}:version-image:${key}:${etag}`,
    },
    watches: {
      /** Hashes of watch id → definition (JSON), interval (ms), the ETag it last saw. */
      definitions: `${watches}:definitions`,
      intervals: `${watches}:intervals`,
      etags: `${watches}:etags`,
      /** Sorted set of watch ids by their next run (epoch ms). */
      due: `${watches}:due`,
    },
    batches: {
      /** A batch's definition (JSON); the id completes the key. */
      definitionPrefix: `${batches}:definition:`,
      /** Hash of a batch's capture index → result (JSON). */
      results: (id: string) => `${batches}:results:${id}`,
      /** Hash of a batch's `created-at`, `cancelled` and `finished-at`. */
      state: (id: string) => `${batches}:state:${id}`,
      /** Sorted set of the running batches' ids, by when they are no longer kept (epoch ms). */
      running: `${batches}:running`,
    },
    stats: {
      /** Hash of counter → count, all time. */
      counters: `${stats}:counters`,
      /** Hash of counter → count in the hour that began at `hourStart` (epoch ms). */
      hour: (hourStart: number) => `${stats}:hour:${hourStart}`,
      /** Hash of histogram field → count (fields named by core's stats buffer). */
      histograms: `${stats}:histograms`,
      /** List of the latest purges as JSON records, newest first. */
      recentPurges: `${stats}:recent-purges`,
      /** Sorted set of URL keys by requests, hash of their hits, hash of their URLs. */
      urlRequests: `${stats}:url-requests`,
      urlHits: `${stats}:url-hits`,
      urlNames: `${stats}:url-names`,
    },
    /** The storage statistics: what the store holds (see storage-accounting). */
    storage: {
      /** Sorted set of entry keys by the time they leave the store (epoch ms). */
      entries: `${stats}:entries`,
      /** Hash of entry key → image bytes, and `__total`. */
      sizes: `${stats}:sizes`,
    },
    /** The same for versions' images: their bytes count as stored, but they are no entries. */
    versionStorage: {
      entries: `${stats}:version-images`,
      sizes: `${stats}:version-sizes`,
    },
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
