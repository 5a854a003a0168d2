import {
  HISTORY_KEEP_SECONDS,
  MAX_MASK_SIGNATURES,
  type Region,
  type StoredVersion,
  type VersionStore,
} from "@shotcache/core";
import { listOf, pairsOf, type RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";
import type { StorageAccounting } from "./storage-accounting";

/** Boxes as stored; anything unreadable is no boxes (they only narrow a comparison). */
function boxesFrom(json: string | undefined): Record<string, Region[]> {
  try {
    const boxes = JSON.parse(json ?? "{}");
    return boxes && typeof boxes === "object" && !Array.isArray(boxes) ? boxes : {};
  } catch {
    return {};
  }
}

/** The versions as lua/versions/read-versions.lua answers them. */
function versionsFrom(reply: unknown): StoredVersion[] {
  const [records, boxes, ratios] = listOf(reply);
  const boxesAt = new Map(pairsOf(boxes));
  const ratiosAt = new Map<string, Record<string, number>>();
  for (const [field, ratio] of pairsOf(ratios)) {
    const [at = "", signature = ""] = field.split(/ (.*)/s);
    ratiosAt.set(at, { ...ratiosAt.get(at), [signature]: Number(ratio) });
  }
  return listOf(records).flatMap((record) => {
    const [, at = "", etag, contentType] = /^(\d+) (\S+) (\S+)$/.exec(String(record)) ?? [];
    if (!etag || !contentType) return [];
    return [
      {
        etag,
        contentType,
        capturedAt: Number(at),
        boxes: boxesFrom(boxesAt.get(at)),
        changeRatios: ratiosAt.get(at) ?? {},
      },
    ];
  });
}

/**
 * Each variant's versions: their facts in a list and two hashes, added and trimmed by one script;
 * their images in keys of their own, by ETag, so that versions showing one image share it.
 */
export function createRedisVersions(
  driver: RedisDriver,
  keys: RedisKeys["versions"],
  storage: StorageAccounting,
  options: { maxEntryBytes: number },
): VersionStore {
  const factKeys = (key: string, urlKey: string) => [
    keys.list(key, urlKey),
    keys.boxes(key, urlKey),
    keys.ratios(key, urlKey),
  ];
  const read = async (key: string, urlKey: string) =>
    versionsFrom(await driver.runScript("readVersions", factKeys(key, urlKey), []));

  return {
    async addVersion(key, urlKey, version, keep) {
      if (version.bytes.byteLength > options.maxEntryBytes) return read(key, urlKey);
      const { etag, contentType, capturedAt, boxes } = version;
      const imageKey = keys.image(key, urlKey, etag);
      // The image first, so that no version is ever listed before its image is there; its bytes
      // travel only when the store does not hold them (a new image, or one evicted).
      const keepImages = (images: string[], bytes: Buffer | string) =>
        driver.runScript("keepVersionImage", images, [HISTORY_KEEP_SECONDS, bytes]);
      if (Number(await keepImages([imageKey], "")) === 0) {
        await keepImages([imageKey], driver.frameValue(Buffer.from(version.bytes)));
      }
      const now = Date.now();
      await storage.added(
        imageKey,
        version.bytes.byteLength,
        now + HISTORY_KEEP_SECONDS * 1000,
        now,
      );
      const [, dropped] = listOf(
        await driver.runScript("addVersion", factKeys(key, urlKey), [
          Math.round(capturedAt),
          etag,
          contentType,
          boxes && Object.keys(boxes).length > 0 ? JSON.stringify(boxes) : "",
          Math.max(1, keep),
          HISTORY_KEEP_SECONDS,
        ]),
      );
      const gone = listOf(dropped).map((each) => keys.image(key, urlKey, String(each)));
      if (gone.length > 0) {
        await driver.deleteKeys(gone);
        await storage.removed(gone);
      }
      // Every kept image lives as long as the history.
      const versions = await read(key, urlKey);
      const others = [...new Set(versions.map((each) => keys.image(key, urlKey, each.etag)))];
      await keepImages(others, "");
      return versions;
    },

    listVersions: read,

    async readVersionImage(key, urlKey, etag) {
      const image = await driver.readFrame(keys.image(key, urlKey, etag));
      // A plain Uint8Array, whatever the client's own kind of bytes (a Buffer).
      return image && new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
    },

    async noteChangeRatio(key, urlKey, { capturedAt, signature, ratio }) {
      await driver.runScript(
        "noteChangeRatio",
        [keys.list(key, urlKey), keys.ratios(key, urlKey)],
        [Math.round(capturedAt), signature, ratio, MAX_MASK_SIGNATURES],
      );
    },
  };
}
