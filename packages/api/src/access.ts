import { createHash, timingSafeEqual } from "node:crypto";

/** Who may call what. With no keys the server runs open (and says so at start-up). */
export interface AccessPolicy {
  /** API keys accepted as `Authorization: Bearer <key>`. */
  keys: readonly string[];
  /** Whether capturing needs a key too (purge, stats and inspect always do when keys exist). */
  captureRequiresKey: boolean;
}

export const OPEN_ACCESS: AccessPolicy = { keys: [], captureRequiresKey: false };

/** `capture` for screenshots; `admin` for purge, stats and inspect. */
export type AccessScope = "capture" | "admin";

export type Access = "granted" | "missing" | "invalid";

/** What a refused caller is told, the same over REST and tRPC. */
export const REFUSAL_MESSAGES = {
  missing: "Send an API key as `Authorization: Bearer <key>`.",
  invalid: "The API key is not accepted.",
} as const satisfies Record<Exclude<Access, "granted">, string>;

/** The key a request presents, when it is one of the configured keys (whatever the spelling of the header). */
export function matchedKey(
  policy: AccessPolicy,
  authorization: string | null | undefined,
): string | undefined {
  if (policy.keys.length === 0) return undefined;
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!presented) return undefined;
  const given = digest(presented);
  let matched: string | undefined;
  // Every key is compared, so the time taken says nothing about which one (if any) matched.
  for (const [key, keyDigest] of digestsOf(policy))
    if (timingSafeEqual(keyDigest, given)) matched = key;
  return matched;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The configured keys with their digests, computed once per policy rather than per request. */
const keyDigests = new WeakMap<AccessPolicy, [string, Buffer][]>();
function digestsOf(policy: AccessPolicy): [string, Buffer][] {
  let digests = keyDigests.get(policy);
  if (!digests) {
    digests = policy.keys.map((key) => [key, digest(key)]);
    keyDigests.set(policy, digests);
  }
  return digests;
}

/**
 * Whether a request's `Authorization` header grants `scope`. Keys are compared as SHA-256 digests
 * with `timingSafeEqual`, against every key, so the time taken says nothing about any key.
 */
export function checkAccess(
  policy: AccessPolicy,
  authorization: string | null | undefined,
  scope: AccessScope,
): Access {
  if (policy.keys.length === 0) return "granted";
  if (scope === "capture" && !policy.captureRequiresKey) return "granted";
  if (!/^Bearer\s+\S+\s*$/i.test(authorization ?? "")) return "missing";
  return matchedKey(policy, authorization) ? "granted" : "invalid";
}
