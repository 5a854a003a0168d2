/**
 * @module A cache store whose images are in a bucket: the store keeps the entries' facts, locks,
 * index, statistics and history, with a reference where an image would be; the bucket keeps the
 * images, each once by its content.
 *
 * What no entry or version uses any more is deleted where this store sees it go: a purge (of a
 * URL or one variant) and a render replacing an entry delete the images they leave unused, unless
 * a kept version shows them (the history outlives the entry by design). What goes unseen — an
 * entry expiring, a version pushed out of a history, a history expiring, an image shared with
 * another URL's entry — is left to the bucket's lifecycle rule (docs/object-storage.md): every
 * render of an image puts it again, so the rule's age is the time since its latest render.
 */
import type { CacheStore, EntryRead, StoredObject, StoredShot } from "@shotcache/core";
import { LRUCache } from "lru-cache";
import type { ObjectBucket } from "./object-bucket";
import { decodeObjectReference, encodeObjectReference, objectKeyFor } from "./object-names";

/** Images smaller than this stay in the store unless configured otherwise. */
export const DEFAULT_OBJECT_MIN_BYTES = 16 * 1024;
/** How long a presigned URL of an image serves it unless configured otherwise. */
export const DEFAULT_LOCATION_SECONDS = 300;

export interface ObjectBackedStoreOptions {
  /**
   * Images smaller than this stay in the store's entries, so a hit on them is one round trip.
   * 0 sends every image to the bucket. @default DEFAULT_OBJECT_MIN_BYTES
   */
  minBytes?: number;
  /** Largest image cached, as for the store: larger ones are refused. */
  maxEntryBytes: number;
  /**
   * Bytes of images also kept in this process, so that a hit on a popular image needs no trip to
   * the bucket: an object never changes (its key is its content), so a copy is never stale.
   * @default 0
   */
  localCopyMaxBytes?: number;
  /** How long the URL of a capture read as a location serves it. @default 300 */
  locationSeconds?: number;
  /** Told of a bucket failure nobody waits on (deleting an unused image); the rule catches up. */
  onBackgroundError?: (error: unknown, operation: string) => void;
}

/** The image of a variant's entry (`key`): its ETag, which names its content, and where it is. */
interface EntryImage {
  key: string;
  etag: string;
  object?: StoredObject;
}

export function withObjectBucket(
  store: CacheStore,
  bucket: ObjectBucket,
  options: ObjectBackedStoreOptions,
): CacheStore {
  const { maxEntryBytes } = options;
  const minBytes = options.minBytes ?? DEFAULT_OBJECT_MIN_BYTES;
  const locationSeconds = options.locationSeconds ?? DEFAULT_LOCATION_SECONDS;
  const inBucket = (bytes: Uint8Array) => bytes.byteLength >= minBytes;
  /**
   * Images this process put a moment ago: a render's image is kept as the entry, then at once as
   * the newest version, and needs one upload for both. Only versions skip an upload: an entry is
   * always put, so that an image deleted meanwhile (by another instance, or by hand) comes back.
   */
  const justPut = new LRUCache<string, true>({ max: 256, ttl: 10_000 });
  const copies = options.localCopyMaxBytes
    ? new LRUCache<string, Uint8Array>({
        maxSize: options.localCopyMaxBytes,
        sizeCalculation: (bytes) => Math.max(1, bytes.byteLength),
      })
    : undefined;

  /**
   * Presigned URLs of images seen in the bucket lately, for redirects without a HEAD each: reused
   * for two fifths of their life, so a URL handed out (and kept by caches up to a minute) always
   * has minutes left. An image deleted by this process is forgotten at once; one deleted by
   * another hand (the lifecycle rule, after weeks unrendered) may be redirected to until then.
   */
  const located = new LRUCache<string, string>({
    max: 10_000,
    ttl: (locationSeconds * 1000 * 2) / 5,
  });

  async function put(bytes: Uint8Array, contentType: string, again = true): Promise<StoredObject> {
    const key = objectKeyFor(bucket.prefix, bytes, contentType);
    if (again || !justPut.has(key)) {
      await bucket.put(key, bytes, contentType);
      justPut.set(key, true);
      copies?.set(key, bytes);
    }
    return { key, size: bytes.byteLength };
  }

  /** Deletes the images of `entries` (variants of `urlKey`) that none of their versions shows. */
  async function dropUnused(urlKey: string, entries: EntryImage[]) {
    for (const { key, etag, object } of entries) {
      if (!object) continue;
      const versions = await store.listVersions(key, urlKey);
      if (versions.some((version) => version.etag === etag)) continue;
      justPut.delete(object.key);
      copies?.delete(object.key);
      located.delete(object.key);
      await bucket.delete(object.key);
    }
  }

  /** Runs `dropUnused` without delaying its caller's answer; failures are reported, not thrown. */
  function dropUnusedSoon(urlKey: string, entries: EntryImage[]): void {
    dropUnused(urlKey, entries).catch((error: unknown) =>
      options.onBackgroundError?.(error, "delete unused objects"),
    );
  }

  async function read(shot: StoredShot, how: EntryRead = "bytes") {
    const { object } = shot;
    if (!object) return shot;
    // A missing image makes the entry a miss, never a broken answer or a redirect to nothing.
    if (how === "location") {
      let location = located.get(object.key);
      if (!location) {
        if (!(await bucket.exists(object.key))) return undefined;
        location = await bucket.presign(object.key, locationSeconds);
        located.set(object.key, location);
      }
      return { ...shot, location };
    }
    // A copy held here is the image itself (its key is its content), wherever the object is now.
    const copy = copies?.get(object.key);
    if (copy) return { ...shot, bytes: copy };
    const bytes = await bucket.get(object.key);
    if (bytes) copies?.set(object.key, bytes);
    return bytes && { ...shot, bytes };
  }

  return {
    ...store,
    inProcess: false,
    async get(key, urlKey, how) {
      const shot = await store.get(key, urlKey);
      return shot && read(shot, how);
    },
    async set(key, urlKey, shot, keepSeconds) {
      if (!inBucket(shot.bytes)) return store.set(key, urlKey, shot, keepSeconds);
      if (shot.bytes.byteLength > maxEntryBytes) return "too-large";
      const replaced = await store.get(key, urlKey);
      const object = await put(shot.bytes, shot.contentType);
      const outcome = await store.set(
        key,
        urlKey,
        { ...shot, bytes: new Uint8Array(0), object },
        keepSeconds,
      );
      // Stored, it may leave the image it replaced unused; refused, its own.
      const unused = outcome === "stored" ? replaced : { ...shot, object };
      if (unused?.object && (outcome !== "stored" || unused.object.key !== object.key)) {
        dropUnusedSoon(urlKey, [{ key, etag: unused.etag, object: unused.object }]);
      }
      return outcome;
    },
    // The images a purge leaves unused go after its answer: a slow bucket neither delays a purge
    // nor fails one whose entries are gone (nor the CDN purge after it).
    async delete(key, urlKey, at) {
      const entry = await store.get(key, urlKey);
      const existed = await store.delete(key, urlKey, at);
      if (entry) dropUnusedSoon(urlKey, [{ key, ...entry }]);
      return existed;
    },
    async purgeUrl(urlKey, at) {
      const variants = await store.inspect(urlKey);
      const purged = await store.purgeUrl(urlKey, at);
      dropUnusedSoon(urlKey, variants);
      return purged;
    },
    async addVersion(key, urlKey, version, keep) {
      const { bytes, contentType } = version;
      if (!inBucket(bytes) || bytes.byteLength > maxEntryBytes) {
        return store.addVersion(key, urlKey, version, keep);
      }
      const reference = encodeObjectReference(await put(bytes, contentType, false));
      return store.addVersion(key, urlKey, { ...version, bytes: reference }, keep);
    },
    async readVersionImage(key, urlKey, etag) {
      const image = await store.readVersionImage(key, urlKey, etag);
      const object = image && decodeObjectReference(image);
      return object ? bucket.get(object.key) : image;
    },
    async close() {
      bucket.close();
      await store.close();
    },
  };
}
