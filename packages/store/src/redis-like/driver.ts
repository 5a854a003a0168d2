import type { SCRIPTS } from "../lua/scripts.generated";

/** A Lua script of the store (one file under src/lua). */
export type ScriptName = keyof typeof SCRIPTS;

/** What `readFrameUnlessHeld` answers when the caller's copy is the stored entry. */
export const HELD = Symbol("held");

/**
 * What differs between Redis over TCP and Upstash over REST: the client, and how bytes travel.
 * Everything else the two stores share, built on this.
 */
export interface RedisDriver {
  readonly kind: string;
  /** The stored frame of an entry, or undefined. */
  readFrame(key: string): Promise<Uint8Array | undefined>;
  /**
   * The same, unless the stored frame begins with `head` (in the form `frameValue` gives): then
   * `HELD`, and no image is sent (lua/entries/read-entry-unless-held.lua).
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

/** A script's reply as the list it should be (anything else reads as empty). */
export const listOf = (reply: unknown): unknown[] => (Array.isArray(reply) ? reply : []);

/** A flat `[field, value, …]` list, as HGETALL answers inside a script, as pairs. */
export function pairsOf(reply: unknown): [string, string][] {
  const flat = listOf(reply).map(String);
  return Array.from({ length: Math.floor(flat.length / 2) }, (_, index) => [
    flat[2 * index] ?? "",
    flat[2 * index + 1] ?? "",
  ]);
}
