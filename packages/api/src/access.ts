import { createHash, timingSafeEqual } from "node:crypto";

/**
 * What a key may do: `capture` screenshots (when captures need a key), `read` statistics, cache
 * inspection and metrics, `purge` cached images (and manage watches), `sign` public URLs.
 */
export const ACCESS_SCOPES = ["capture", "read", "purge", "sign"] as const;
export type AccessScope = (typeof ACCESS_SCOPES)[number];

/** One configured API key, kept as its SHA-256 digest: the key itself is never held. */
export interface ApiKey {
  digest: Buffer;
  scopes: ReadonlySet<AccessScope>;
  /** A name for it that says nothing of the key: the first 12 hex digits of its digest. */
  id: string;
}

/** Who may call what. With no keys the server runs open (and says so at start-up). */
export interface AccessPolicy {
  /** API keys accepted as `Authorization: Bearer <key>`. */
  keys: readonly ApiKey[];
  /** Whether capturing needs a key too (every other scope always does when keys exist). */
  captureRequiresKey: boolean;
}

export const OPEN_ACCESS: AccessPolicy = { keys: [], captureRequiresKey: false };

/** `granted`; no key sent (`missing`); an unknown key (`invalid`); a key without the scope (`forbidden`). */
export type Access = "granted" | "missing" | "invalid" | "forbidden";

/** What a refused caller is told, the same over REST and tRPC. */
export const REFUSAL_MESSAGES = {
  missing: () => "Send an API key as `Authorization: Bearer <key>`.",
  invalid: () => "The API key is not accepted.",
  forbidden: (scope: AccessScope) => `The API key does not have the \`${scope}\` scope.`,
} as const satisfies Record<Exclude<Access, "granted">, (scope: AccessScope) => string>;

const sha256 = (text: string) => createHash("sha256").update(text).digest();
const DIGEST_PREFIX = /^sha256:/i;

/**
 * One entry of SHOTCACHE_API_KEYS: `key` (every scope) or `key:scope+scope`, where `key` is the
 * key itself (16+ characters, no white space or `:`) or `sha256:<64 hex digits>`, its digest, so
 * the plaintext need not sit in the environment. Throws a message naming what is wrong.
 */
export function parseApiKey(entry: string): ApiKey {
  const isDigest = DIGEST_PREFIX.test(entry);
  const rest = isDigest ? entry.replace(DIGEST_PREFIX, "") : entry;
  const [secret = "", scopeList] = rest.split(/:(.*)/s);
  const scopes = new Set<AccessScope>();
  for (const scope of scopeList?.split("+") ?? ACCESS_SCOPES) {
    if (!(ACCESS_SCOPES as readonly string[]).includes(scope)) {
      throw new Error(`unknown scope "${scope}" (the scopes: ${ACCESS_SCOPES.join(", ")})`);
    }
    scopes.add(scope as AccessScope);
  }
  let digest: Buffer;
  if (isDigest) {
    if (!/^[0-9a-f]{64}$/i.test(secret)) throw new Error("a sha256: key needs 64 hex digits");
    digest = Buffer.from(secret, "hex");
  } else {
    if (secret.length < 16) throw new Error("each key needs at least 16 characters");
    if (/\s/.test(secret)) throw new Error("a key may not contain white space");
    digest = sha256(secret);
  }
  return { digest, scopes, id: digest.toString("hex").slice(0, 12) };
}

/** The configured key a request presents (whatever the spelling of the header), if any. */
export function matchedKey(
  policy: AccessPolicy,
  authorization: string | null | undefined,
): ApiKey | undefined {
  if (policy.keys.length === 0) return undefined;
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!presented) return undefined;
  const given = sha256(presented);
  let matched: ApiKey | undefined;
  // Every key is compared, so the time taken says nothing about which one (if any) matched.
  for (const key of policy.keys) if (timingSafeEqual(key.digest, given)) matched = key;
  return matched;
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
  const key = matchedKey(policy, authorization);
  if (!key) return "invalid";
  return key.scopes.has(scope) ? "granted" : "forbidden";
}
