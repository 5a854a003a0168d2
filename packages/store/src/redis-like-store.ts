import { randomUUID } from "node:crypto";
import {
  type CacheStore,
  COUNTED_URLS_KEPT,
  HISTORY_KEEP_SECONDS,
  type ObservedInterval,
  PUBLIC_URLS_KEPT,
  type PurgeRecord,
  RECENT_PURGES_KEPT,
  type RenderObservation,
  type StoredShot,
  TOP_URLS_REPORTED,
  URL_INTERVALS_KEPT,
  type UrlRecord,
  VARIANT_RENDERS_KEPT,
} from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { decodeEntry, encodeEntry, frameHeadLength } from "./entry-codec";
import {
  CLAIM_DUE_WATCHES_SCRIPT,
  DEFAULT_LOCAL_CACHE_MAX_BYTES,
  DELETE_ENTRY_SCRIPT,
  DELETE_WATCH_SCRIPT,
  HOUR_BUCKET_TTL_SECONDS,
  NOTE_RENDER_SCRIPT,
  PURGE_MARKER_SECONDS,
  PURGE_URL_SCRIPT,
  READ_ENTRY_UNLESS_HELD_SCRIPT,
  READ_TOP_URLS_SCRIPT,
  READ_URL_HISTORY_SCRIPT,
  READ_WATCHES_SCRIPT,
  RECORD_STATS_SCRIPT,
  RECORD_URL_REQUESTS_SCRIPT,
  RELEASE_LOCK_SCRIPT,
  REMEMBER_PUBLIC_URL_SCRIPT,
  RENEW_LOCK_SCRIPT,
  redisKeys,
  SAVE_WATCH_SCRIPT,
  SET_ENTRY_SCRIPT,
  STORAGE_ADD_SCRIPT,
  STORAGE_READ_SCRIPT,
  STORAGE_REMOVE_SCRIPT,
  SWAP_WATCH_ETAG_SCRIPT,
  TAKE_PUBLIC_URLS_SCRIPT,
} from "./redis-layout";
import { hashFromReply, hourStarts, snapshotFrom } from "./stats-fields";

export const SCRIPTS = {
  setEntry: SET_ENTRY_SCRIPT,
  deleteEntry: DELETE_ENTRY_SCRIPT,
  purgeUrl: PURGE_URL_SCRIPT,
  readEntryUnlessHeld: READ_ENTRY_UNLESS_HELD_SCRIPT,
  rememberPublicUrl: REMEMBER_PUBLIC_URL_SCRIPT,
  takePublicUrls: TAKE_PUBLIC_URLS_SCRIPT,
  releaseLock: RELEASE_LOCK_SCRIPT,
  renewLock: RENEW_LOCK_SCRIPT,
  recordStats: RECORD_STATS_SCRIPT,
  storageAdd: STORAGE_ADD_SCRIPT,
  storageRemove: STORAGE_REMOVE_SCRIPT,
  storageRead: STORAGE_READ_SCRIPT,
  noteRender: NOTE_RENDER_SCRIPT,
  readUrlHistory: READ_URL_HISTORY_SCRIPT,
  recordUrlRequests: RECORD_URL_REQUESTS_SCRIPT,
  readTopUrls: READ_TOP_URLS_SCRIPT,
  saveWatch: SAVE_WATCH_SCRIPT,
  deleteWatch: DELETE_WATCH_SCRIPT,
  readWatches: READ_WATCHES_SCRIPT,
  claimDueWatches: CLAIM_DUE_WATCHES_SCRIPT,
  swapWatchEtag: SWAP_WATCH_ETAG_SCRIPT,
};
export type ScriptName = keyof typeof SCRIPTS;

/** What differs between Redis over TCP and Upstash over REST: the client, and how bytes travel. */
export interface RedisDriver {
  readonly kind: string;
  /** The stored frame of an entry, or undefined. */
  readFrame(key: string): Promise<Uint8Array | undefined>;
  /**
   * The same, unless the stored frame begins with `head` (in the form `frameValue` gives): then
   * `HELD`, and no image is sent (READ_ENTRY_UNLESS_HELD_SCRIPT).
   */
  readFrameUnlessHeld(
    key: string,
    head: Buffer | string,
  ): Promise<Uint8Array | typeof HELD | undefined>;
  /** An entry frame as the client sends values (bytes, or base64 text). */
  frameValue(frame: Buffer): Buffer | string;
  runScript(name: ScriptName, keys: string[], args: (string | number | Buffer)[]): Promise<unknown>;
  /** SET key value PX ms NX; resolves to whether it was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The members of a sorted set. */
  readSetMembers(key: string): Promise<string[]>;
  /** DEL of keys of one slot; resolves to how many existed. */
  deleteKeys(keys: string[]): Promise<number>;
  /** The items of a list, as text. */
  readList(key: string): Promise<string[]>;
  /** HGETALL of each key, in one round trip. */
  readHashes(keys: string[]): Promise<(Record<string, unknown> | unknown[] | null)[]>;
  close(): Promise<void>;
}

/** What `readFrameUnlessHeld` answers when the caller's copy is the stored entry. */
export const HELD = Symbol("held");

export interface RedisLikeOptions {
  /** Prepended to every key, so several deployments can share one database. @default "shotcache:" */
  prefix?: string;
  /** Largest image stored; larger ones are refused. */
  maxEntryBytes: number;
  /** Bytes of recently read entries kept in this process (0: none). @default 64 MiB */
  localCacheMaxBytes?: number;
}

/** An entry this process read, and the head that tells whether the store still holds it. */
interface LocalCopy {
  shot: StoredShot;
  head: Buffer | string;
}

/** A stored purge record, or nothing when it cannot be read (statistics never fail a read). */
function purgeRecordFrom(stored: unknown): PurgeRecord[] {
  try {
    const record = typeof stored === "string" ? JSON.parse(stored) : stored;
    const { at, url, scope, purged } = record as PurgeRecord;
    const valid =
      typeof at === "number" &&
      typeof url === "string" &&
      (scope === "url" || scope === "variant") &&
      typeof purged === "number";
    return valid ? [{ at, url, scope, purged }] : [];
  } catch {
    return [];
  }
}

const renderStartOf = (shot: StoredShot) => shot.capturedAt - shot.renderMs;

/** A render as NOTE_RENDER_SCRIPT keeps it: `<at> <changed at> <etag>`. */
function observationFrom(stored: unknown): RenderObservation[] {
  const [, at, changedAt, etag] = /^(\d+) (\d+) (.+)$/.exec(String(stored)) ?? [];
  return etag ? [{ at: Number(at), changedAt: Number(changedAt), etag }] : [];
}

/** An interval as the scripts keep it: `<seconds> <0|1>`. */
function intervalFrom(stored: unknown): ObservedInterval[] {
  const [seconds, changed] = String(stored).split(" ");
  const value = Number(seconds);
  return Number.isFinite(value) ? [{ seconds: value, changed: changed === "1" }] : [];
}

const listOf = (reply: unknown): unknown[] => (Array.isArray(reply) ? reply : []);

/** The cache store logic both Redis stores share; each brings its own driver. */
export function createRedisLikeStore(driver: RedisDriver, options: RedisLikeOptions): CacheStore {
  const keys = redisKeys(options.prefix ?? "shotcache:");
  const storageKeys = [keys.storedEntries, keys.storedSizes];

  /** Storage accounting is statistics: it never fails the operation it describes. */
  const account = (name: "storageAdd" | "storageRemove", args: (string | number)[]) =>
    driver.runScript(name, storageKeys, args).catch(() => undefined);

  /**
   * Recently read entries, kept in this process so that a hit on a popular image does not bring
   * its bytes over the network each time: every read still asks the store, which answers with
   * the image only when it no longer holds the copy's entry (purged, replaced, expired). So a
   * copy is never served after the store dropped it, in any instance.
   */
  const headOf = (frame: Uint8Array) =>
    driver.frameValue(Buffer.from(frame.buffer, frame.byteOffset, frameHeadLength(frame)));
  const localCacheMaxBytes = options.localCacheMaxBytes ?? DEFAULT_LOCAL_CACHE_MAX_BYTES;
  const localCopies =
    localCacheMaxBytes > 0
      ? new LRUCache<string, LocalCopy>({
          maxSize: localCacheMaxBytes,
          sizeCalculation: (copy) => copy.shot.bytes.byteLength + 1,
        })
      : undefined;

  /** The most requested URLs with their histories: one call for the ranking, one per URL. */
  async function readTopUrls(): Promise<UrlRecord[]> {
    const flat = listOf(
      await driver.runScript(
        "readTopUrls",
        [keys.urlRequests, keys.urlHits, keys.urlNames],
        [TOP_URLS_REPORTED],
      ),
    ).map(String);
    const ranked = Array.from({ length: flat.length / 4 }, (_, i) => flat.slice(4 * i, 4 * i + 4));
    return Promise.all(
      ranked.map(async ([urlKey = "", url = "", requests, hits]) => {
        const [renders, changes, intervals] = listOf(
          await driver.runScript(
            "readUrlHistory",
            [keys.urlHistory(urlKey), keys.intervals(urlKey)],
            [],
          ),
        );
        return {
          url,
          requests: Number(requests),
          hits: Number(hits),
          renders: Number(renders ?? 0),
          changes: Number(changes ?? 0),
          intervals: listOf(intervals).flatMap(intervalFrom),
        };
      }),
    );
  }

  return {
    kind: driver.kind,

    async get(key, urlKey) {
      const entryKey = keys.entry(key, urlKey);
      const copy = localCopies?.get(entryKey);
      const frame = copy
        ? await driver.readFrameUnlessHeld(entryKey, copy.head)
        : await driver.readFrame(entryKey);
      if (frame === HELD) return copy?.shot;
      if (!localCopies) return frame ? decodeEntry(frame) : undefined;
      // A copy kept owns its bytes: the client's reply may be a view of a much larger buffer.
      const owned = frame && new Uint8Array(frame);
      const shot = owned ? decodeEntry(owned) : undefined;
      if (owned && shot) localCopies.set(entryKey, { shot, head: headOf(owned) });
      else localCopies.delete(entryKey);
      return shot;
    },

    async set(key, urlKey, shot, ttlSeconds) {
      if (shot.bytes.byteLength > options.maxEntryBytes) return "too-large";
      if (ttlSeconds <= 0) return "stored";
      const entryKey = keys.entry(key, urlKey);
      const keepSeconds = Math.ceil(ttlSeconds);
      const now = Date.now();
      const leavesAt = now + keepSeconds * 1000;
      const stored = await driver.runScript(
        "setEntry",
        [entryKey, keys.variants(urlKey), keys.purgedAt(urlKey)],
        [driver.frameValue(encodeEntry(shot)), keepSeconds, renderStartOf(shot), leavesAt, now],
      );
      if (Number(stored) !== 1) return "superseded";
      await account("storageAdd", [entryKey, shot.bytes.byteLength, leavesAt, now]);
      return "stored";
    },

    async delete(key, urlKey, at) {
      const entryKey = keys.entry(key, urlKey);
      const existed = await driver.runScript(
        "deleteEntry",
        [entryKey, keys.variants(urlKey), keys.purgedAt(urlKey)],
        [at, PURGE_MARKER_SECONDS],
      );
      await account("storageRemove", [entryKey]);
      return Number(existed) === 1;
    },

    async purgeUrl(urlKey, at) {
      const members = (await driver.runScript(
        "purgeUrl",
        [keys.variants(urlKey), keys.purgedAt(urlKey)],
        [at, PURGE_MARKER_SECONDS],
      )) as string[];
      if (members.length === 0) return 0;
      const purged = await driver.deleteKeys(members);
      await account("storageRemove", members);
      return purged;
    },

    async inspect(urlKey) {
      const members = await driver.readSetMembers(keys.variants(urlKey));
      const entryPrefix = keys.entry("", urlKey);
      const variants = await Promise.all(
        members.map(async (member) => {
          const frame = await driver.readFrame(member);
          const shot = frame ? decodeEntry(frame) : undefined;
          if (!shot) return undefined;
          const { bytes, ...facts } = shot;
          return { ...facts, key: member.slice(entryPrefix.length), size: bytes.byteLength };
        }),
      );
      return variants.filter((variant) => variant !== undefined);
    },

    async acquireLock(name, ttlMs) {
      const token = randomUUID();
      return (await driver.setIfAbsent(keys.lock(name), token, Math.ceil(ttlMs)))
        ? token
        : undefined;
    },

    async renewLock(name, token, ttlMs) {
      const renewed = await driver.runScript(
        "renewLock",
        [keys.lock(name)],
        [token, Math.ceil(ttlMs)],
      );
      return Number(renewed) === 1;
    },

    async releaseLock(name, token) {
      await driver.runScript("releaseLock", [keys.lock(name)], [token]);
    },

    async rememberPublicUrl(key, urlKey, url, keepSeconds) {
      await driver.runScript(
        "rememberPublicUrl",
        [keys.publicUrls(urlKey)],
        [`${key} ${url}`, Date.now(), PUBLIC_URLS_KEPT, Math.max(1, Math.ceil(keepSeconds))],
      );
    },

    async takePublicUrls(urlKey, key) {
      const members = (await driver.runScript(
        "takePublicUrls",
        [keys.publicUrls(urlKey)],
        [key === undefined ? "" : `${key} `],
      )) as string[];
      return members.map((member) => member.slice(member.indexOf(" ") + 1));
    },

    async noteRender(key, urlKey, render) {
      const [renders, intervals] = listOf(
        await driver.runScript(
          "noteRender",
          [keys.renders(key, urlKey), keys.urlHistory(urlKey), keys.intervals(urlKey)],
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

    async saveWatch(id, definition, everySeconds, firstRunAt) {
      await driver.runScript(
        "saveWatch",
        [keys.watchDefinitions, keys.watchIntervals, keys.watchesDue],
        [id, definition, Math.round(everySeconds * 1000), Math.round(firstRunAt)],
      );
    },

    async listWatches() {
      const flat = listOf(
        await driver.runScript("readWatches", [keys.watchDefinitions, keys.watchesDue], []),
      ).map(String);
      return Array.from({ length: flat.length / 3 }, (_, i) => ({
        id: flat[3 * i] ?? "",
        definition: flat[3 * i + 1] ?? "",
        nextRunAt: Number(flat[3 * i + 2]),
      }));
    },

    async deleteWatch(id) {
      const existed = await driver.runScript(
        "deleteWatch",
        [keys.watchDefinitions, keys.watchIntervals, keys.watchEtags, keys.watchesDue],
        [id],
      );
      return Number(existed) === 1;
    },

    async claimDueWatches(now, limit) {
      const flat = listOf(
        await driver.runScript(
          "claimDueWatches",
          [keys.watchDefinitions, keys.watchIntervals, keys.watchesDue],
          [Math.round(now), limit],
        ),
      ).map(String);
      return Array.from({ length: flat.length / 2 }, (_, i) => ({
        id: flat[2 * i] ?? "",
        definition: flat[2 * i + 1] ?? "",
      }));
    },

    async swapWatchEtag(id, etag) {
      const previous = await driver.runScript(
        "swapWatchEtag",
        [keys.watchDefinitions, keys.watchEtags],
        [id, etag],
      );
      return typeof previous === "string" ? previous : undefined;
    },

    async recordStats(deltas) {
      for (const delta of deltas) {
        const urls = Object.entries(delta.urls);
        if (urls.length > 0) {
          await driver.runScript(
            "recordUrlRequests",
            [keys.urlRequests, keys.urlHits, keys.urlNames],
            [
              COUNTED_URLS_KEPT,
              ...urls.flatMap(([urlKey, { url, requests, hits }]) => [urlKey, url, requests, hits]),
            ],
          );
        }
        const counters = Object.entries(delta.counters);
        const histograms = Object.entries(delta.histograms);
        await driver.runScript(
          "recordStats",
          [keys.counters, keys.hour(delta.hourStart), keys.histograms, keys.recentPurges],
          [
            HOUR_BUCKET_TTL_SECONDS,
            RECENT_PURGES_KEPT,
            counters.length,
            histograms.length,
            ...counters.flat(),
            ...histograms.flat(),
            // Only what the list keeps: a script's arguments are unpacked onto Lua's stack.
            ...delta.purges.slice(-RECENT_PURGES_KEPT).map((purge) => JSON.stringify(purge)),
          ],
        );
      }
    },

    async readStats(query) {
      const starts = hourStarts(query.now, query.hours);
      const [counters, histograms, ...hours] = await driver.readHashes([
        keys.counters,
        keys.histograms,
        ...starts.map(keys.hour),
      ]);
      const [[entries, bytes], purges, topUrls] = await Promise.all([
        driver.runScript("storageRead", storageKeys, [Date.now()]) as Promise<[number, number]>,
        driver.readList(keys.recentPurges),
        readTopUrls(),
      ]);
      return snapshotFrom({
        counters: hashFromReply(counters ?? null),
        histograms: hashFromReply(histograms ?? null),
        hourly: starts.map((start, index) => ({
          hourStart: start,
          fields: hashFromReply(hours[index] ?? null),
        })),
        storage: { entries: Number(entries), bytes: Number(bytes) },
        recentPurges: purges.flatMap(purgeRecordFrom),
        topUrls,
      });
    },

    close: () => driver.close(),
  };
}
