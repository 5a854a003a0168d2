import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AccessPolicy, checkAccess, matchedKey, parseApiKey } from "./access";

const KEY = "scoped-key-0123456789abcdef";
const bearer = (key: string) => `Bearer ${key}`;
const hexDigest = (key: string) => createHash("sha256").update(key).digest("hex");

describe("API keys from SHOTCACHE_API_KEYS", () => {
  it("grant every scope to a bare key, and only the listed ones to a scoped key", () => {
    expect([...parseApiKey(KEY).scopes]).toEqual(["capture", "read", "purge", "sign"]);
    expect([...parseApiKey(`${KEY}:read`).scopes]).toEqual(["read"]);
    expect([...parseApiKey(`${KEY}:capture+sign`).scopes]).toEqual(["capture", "sign"]);
  });

  it("take a sha256 digest for the key, alone or with scopes, and match the plaintext to it", () => {
    const digest = parseApiKey(`sha256:${hexDigest(KEY)}`);
    const scoped = parseApiKey(`sha256:${hexDigest(KEY).toUpperCase()}:purge`);
    expect([...digest.scopes]).toHaveLength(4);
    expect([...scoped.scopes]).toEqual(["purge"]);
    expect(digest.digest).toEqual(parseApiKey(KEY).digest);
    const policy: AccessPolicy = { keys: [scoped], captureRequiresKey: true };
    expect(matchedKey(policy, bearer(KEY))).toBe(scoped);
    expect(matchedKey(policy, bearer(`sha256:${hexDigest(KEY)}`))).toBeUndefined();
  });

  it("name a key by a part of its digest, never by the key", () => {
    const { id } = parseApiKey(`${KEY}:read`);
    expect(id).toBe(hexDigest(KEY).slice(0, 12));
    expect(parseApiKey(`sha256:${hexDigest(KEY)}`).id).toBe(id);
  });

  it.each([
    [`${KEY}:admin`, 'unknown scope "admin"'],
    [`${KEY}:read+everything`, 'unknown scope "everything"'],
    ["short:read", "at least 16 characters"],
    ["sha256:abc123", "64 hex digits"],
    [`sha256:${"g".repeat(64)}`, "64 hex digits"],
    [`${KEY}:`, 'unknown scope ""'],
    ["a key with spaces in it", "may not contain white space"],
  ])("refuse %s, saying why", (entry, message) => {
    expect(() => parseApiKey(entry)).toThrow(message);
  });
});

describe("access by scope", () => {
  const policy: AccessPolicy = {
    keys: [parseApiKey(`${KEY}:read`), parseApiKey("every-scope-key-0123456789")],
    captureRequiresKey: false,
  };

  it("tells a missing key, an unknown key and a key without the scope apart", () => {
    expect(checkAccess(policy, undefined, "read")).toBe("missing");
    expect(checkAccess(policy, bearer("unknown-key-0123456789ab"), "read")).toBe("invalid");
    expect(checkAccess(policy, bearer(KEY), "read")).toBe("granted");
    expect(checkAccess(policy, bearer(KEY), "purge")).toBe("forbidden");
    expect(checkAccess(policy, bearer("every-scope-key-0123456789"), "sign")).toBe("granted");
  });

  it("leave captures open unless they need a key, and everything open with no keys", () => {
    expect(checkAccess(policy, undefined, "capture")).toBe("granted");
    expect(checkAccess({ ...policy, captureRequiresKey: true }, bearer(KEY), "capture")).toBe(
      "forbidden",
    );
    expect(checkAccess({ keys: [], captureRequiresKey: false }, undefined, "purge")).toBe(
      "granted",
    );
  });
});
