import { createHash } from "node:crypto";

/** SHA-256 of the input, base64url, cut to `length` characters (22 characters = 132 bits). */
export function shortHash(input: string | Uint8Array, length = 22): string {
  return createHash("sha256").update(input).digest("base64url").slice(0, length);
}
