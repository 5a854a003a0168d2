/** @module The object store port: what the cache needs of a bucket. */

/** A bucket (or a prefix in one) that keeps image bytes by key. */
export interface ObjectBucket {
  /** Where the bucket is, for logs and health, without credentials: `s3://bucket/prefix/`. */
  readonly description: string;
  /** What every key of ours starts with (the location's prefix, ending in `/`, or nothing). */
  readonly prefix: string;
  /** Keeps `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Whether an object is kept under `key`. */
  exists(key: string): Promise<boolean>;
  /** Deletes the object, if any. */
  delete(key: string): Promise<void>;
  /** A URL that serves the object, without credentials, for `seconds`. */
  presign(key: string, seconds: number): Promise<string>;
  close(): void;
}

/** A bucket location as SHOTCACHE_OBJECT_STORE gives it: `s3://bucket` or `s3://bucket/prefix`. */
export function parseBucketLocation(location: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(location);
  if (!match?.[1]) {
    throw new Error(
      `not an S3 location: ${JSON.stringify(location)} (expected s3://bucket/prefix)`,
    );
  }
  const path = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1], prefix: path ? `${path}/` : "" };
}
