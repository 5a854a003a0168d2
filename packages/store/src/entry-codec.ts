import {
  isStoredObject,
  type StoredObject,
  type StoredShot,
  type TtlSource,
} from "@shotcache/core";

/**
 * The metadata stored in front of the image bytes. The change facts and the TTL's source came
 * later: entries written before them lack them (their content changed when they were captured).
 */
interface EntryHeader {
  contentType: string;
  etag: string;
  capturedAt: number;
  changedAt?: number;
  changed?: boolean;
  changeRatios?: Record<string, number>;
  expiresAt: number;
  ttlSource?: TtlSource;
  renderMs: number;
  /** Where the image is, when it is in a bucket (then the frame carries no image bytes). */
  object?: StoredObject;
}

const TTL_SOURCES: readonly unknown[] = ["caller", "rule", "adaptive", "default"];

const isRatios = (value: unknown): value is Record<string, number> =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((ratio) => typeof ratio === "number" && ratio >= 0 && ratio <= 1);

const isHeader = (value: unknown): value is EntryHeader => {
  const header = value as EntryHeader;
  return (
    typeof header === "object" &&
    header !== null &&
    typeof header.contentType === "string" &&
    typeof header.etag === "string" &&
    [header.capturedAt, header.expiresAt, header.renderMs].every(Number.isFinite) &&
    (header.changedAt === undefined || Number.isFinite(header.changedAt)) &&
    (header.changed === undefined || typeof header.changed === "boolean") &&
    (header.changeRatios === undefined || isRatios(header.changeRatios)) &&
    (header.ttlSource === undefined || TTL_SOURCES.includes(header.ttlSource)) &&
    (header.object === undefined || isStoredObject(header.object))
  );
};

/**
 * One value per entry, so a hit is one round trip: a 4-byte big-endian header length, the header
 * as JSON, then the image bytes untouched.
 */
export function encodeEntry(shot: StoredShot): Buffer {
  const header: EntryHeader = {
    contentType: shot.contentType,
    etag: shot.etag,
    capturedAt: shot.capturedAt,
    changedAt: shot.changedAt,
    changed: shot.changed,
    changeRatios: shot.changeRatios,
    expiresAt: shot.expiresAt,
    ttlSource: shot.ttlSource,
    renderMs: shot.renderMs,
    object: shot.object,
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  return Buffer.concat([length, headerBytes, shot.bytes]);
}

/** The entry, or undefined when the value is not one we wrote (never serve a corrupt image). */
export function decodeEntry(frame: Uint8Array): StoredShot | undefined {
  const buffer = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (buffer.length < 4) return undefined;
  const headerEnd = 4 + buffer.readUInt32BE(0);
  if (headerEnd > buffer.length) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(buffer.subarray(4, headerEnd).toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isHeader(header)) return undefined;
  const {
    changedAt = header.capturedAt,
    changed,
    changeRatios,
    ttlSource,
    object,
    ...facts
  } = header;
  // A view, not a copy: the frame was read for this entry alone.
  const bytes = new Uint8Array(
    buffer.buffer,
    buffer.byteOffset + headerEnd,
    buffer.length - headerEnd,
  );
  return {
    ...facts,
    changedAt,
    ...(changed === undefined ? {} : { changed }),
    ...(changeRatios === undefined ? {} : { changeRatios }),
    ...(ttlSource === undefined ? {} : { ttlSource }),
    ...(object === undefined ? {} : { object }),
    bytes,
  };
}

/**
 * How much of a frame identifies its entry: the length and the header (whose ETag and capture
 * time differ between any two renders), rounded up to whole 3-byte groups, so that its base64
 * form is also the start of the whole frame's base64 form (Upstash stores frames as base64).
 */
export function frameHeadLength(frame: Uint8Array): number {
  const buffer = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  return Math.min(buffer.length, Math.ceil((4 + buffer.readUInt32BE(0)) / 3) * 3);
}
