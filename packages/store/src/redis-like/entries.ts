import { type EntryStore, type StoredShot, withRatio } from "@shotcache/core";
import { decodeEntry, encodeEntry, frameHeadLength } from "../entry-codec";
import { PURGE_MARKER_SECONDS } from "../store-defaults";
import type { RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";
import { createEntryReader } from "./local-copies";
import type { StorageAccounting } from "./storage-accounting";

export interface RedisEntryOptions {
  /** Largest image stored; larger ones are refused. */
  maxEntryBytes: number;
  /** Bytes of recently read entries kept in this process (0: none). @default 64 MiB */
  localCacheMaxBytes?: number;
}

const renderStartOf = (shot: StoredShot) => shot.capturedAt - shot.renderMs;

/** The cached images, each indexed under its URL, with their sizes noted for the statistics. */
export function createRedisEntries(
  driver: RedisDriver,
  keys: RedisKeys["entries"],
  storage: StorageAccounting,
  options: RedisEntryOptions,
): EntryStore {
  const readEntry = createEntryReader(driver, options.localCacheMaxBytes);

  return {
    get: (key, urlKey) => readEntry(keys.entry(key, urlKey)),

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
      await storage.added(entryKey, shot.bytes.byteLength, leavesAt, now);
      return "stored";
    },

    async noteEntryChange(key, urlKey, { etag, signature, ratio, changedAt }) {
      const entryKey = keys.entry(key, urlKey);
      const frame = await driver.readFrame(entryKey);
      const shot = frame && decodeEntry(frame);
      if (!frame || shot?.etag !== etag) return;
      const changeRatios = withRatio(shot.changeRatios, signature, ratio);
      // The whole frame again (the header sits before the image), written only if the entry is
      // still the one read here: a render may have replaced it meanwhile.
      const head = Buffer.from(frame.buffer, frame.byteOffset, frameHeadLength(frame));
      await driver.runScript(
        "replaceEntryIfHead",
        [entryKey],
        [
          driver.frameValue(head),
          driver.frameValue(
            encodeEntry({ ...shot, changeRatios, changedAt: changedAt ?? shot.changedAt }),
          ),
        ],
      );
    },

    async delete(key, urlKey, at) {
      const entryKey = keys.entry(key, urlKey);
      const existed = await driver.runScript(
        "deleteEntry",
        [entryKey, keys.variants(urlKey), keys.purgedAt(urlKey)],
        [at, PURGE_MARKER_SECONDS],
      );
      await storage.removed([entryKey]);
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
      await storage.removed(members);
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
          const size = facts.object?.size ?? bytes.byteLength;
          return { ...facts, key: member.slice(entryPrefix.length), size };
        }),
      );
      return variants.filter((variant) => variant !== undefined);
    },
  };
}
