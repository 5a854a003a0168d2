import type { StoredShot } from "@shotcache/core";
import { LRUCache } from "lru-cache";
import { decodeEntry, frameHeadLength } from "../entry-codec";
import { HELD, type RedisDriver } from "./driver";

/** Bytes of recently read images a Redis or Upstash store keeps in process by default. */
export const DEFAULT_LOCAL_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** An entry this process read, and the head that tells whether the store still holds it. */
interface LocalCopy {
  shot: StoredShot;
  head: Buffer | string;
}

/**
 * Reads entries, keeping recently read ones in this process so that a hit on a popular image does
 * not bring its bytes over the network each time: every read still asks the store, which answers
 * with the image only when it no longer holds the copy's entry (purged, replaced, expired). So a
 * copy is never served after the store dropped it, in any instance.
 */
export function createEntryReader(
  driver: RedisDriver,
  maxBytes = DEFAULT_LOCAL_CACHE_MAX_BYTES,
): (entryKey: string) => Promise<StoredShot | undefined> {
  const headOf = (frame: Uint8Array) =>
    driver.frameValue(Buffer.from(frame.buffer, frame.byteOffset, frameHeadLength(frame)));
  const localCopies =
    maxBytes > 0
      ? new LRUCache<string, LocalCopy>({
          maxSize: maxBytes,
          sizeCalculation: (copy) => copy.shot.bytes.byteLength + 1,
        })
      : undefined;

  return async (entryKey) => {
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
  };
}
