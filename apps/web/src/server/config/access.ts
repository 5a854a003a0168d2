/** @module Who may do what: API keys, secrets, rate limits, and which proxies are believed. */
import { clientAddressResolver, parseApiKey, type TrustedProxies } from "@shotcache/api";
import { z } from "zod";
import { booleanText, commaList, nonNegativeInt, secret } from "./parsers";

/** Each key parsed; a refused one is named by its place in the list, never by the key. */
const apiKeysText = z
  .string()
  .default("")
  .transform((text, context) =>
    commaList(text).flatMap((entry, index) => {
      try {
        return [parseApiKey(entry)];
      } catch (error) {
        context.addIssue({
          code: "custom",
          message: `entry ${index + 1}: ${(error as Error).message}`,
        });
        return [];
      }
    }),
  );

/** How many proxy hops in front are trusted, or their addresses and CIDR ranges. */
const trustedProxiesText = z.string().transform((text, context): TrustedProxies => {
  if (/^\s*\d+\s*$/.test(text)) return Number(text);
  const ranges = commaList(text);
  try {
    clientAddressResolver(ranges);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
  return ranges;
});

export const accessSettings = {
  title: "Access",
  variables: z.object({
    SHOTCACHE_API_KEYS: apiKeysText.meta({
      description:
        "comma-separated API keys (16+ characters each), each `key` (every scope) or `key:scope+scope`, or `sha256:<hex>` digests; none = the server runs open",
    }),
    SHOTCACHE_CAPTURE_REQUIRES_KEY: booleanText.default(false).meta({
      description: "captures need a key too (every other scope always does when keys exist)",
    }),
    SHOTCACHE_RATE_LIMIT_PER_MINUTE: nonNegativeInt.default(120).meta({
      description:
        "captures per minute per client address without a key (0 = unlimited); 429 with `Retry-After` past it",
    }),
    SHOTCACHE_KEY_RATE_LIMIT_PER_MINUTE: nonNegativeInt.default(1_200).meta({
      description: "captures per minute per API key (0 = unlimited)",
    }),
    SHOTCACHE_TRUSTED_PROXIES: trustedProxiesText.default(0).meta({
      description:
        "proxies whose `X-Forwarded-For` is believed: how many hops, or their addresses and CIDR ranges (proxy-addr's `loopback`, `linklocal`, `uniquelocal` too); 0: the peer is the caller",
    }),
    SHOTCACHE_SIGNING_SECRET: secret(32).optional().meta({
      description: "secret of signed public URLs (32+ characters); unset = signed URLs refused",
    }),
    SHOTCACHE_WEBHOOK_SECRET: secret(32).optional().meta({
      description:
        "secret of the invalidation webhook and of watch deliveries (32+ characters); unset = both off",
    }),
    CRON_SECRET: secret(16).optional().meta({
      description:
        "secret of `GET /api/cron/watches` (`Authorization: Bearer <secret>`, as Vercel Cron sends it; 16+ characters); unset = that route answers 404",
    }),
  }),
};

export function accessConfigOf(variables: z.output<typeof accessSettings.variables>) {
  return {
    keys: variables.SHOTCACHE_API_KEYS,
    captureRequiresKey: variables.SHOTCACHE_CAPTURE_REQUIRES_KEY,
    /** Captures a minute without a key (per client address) and per key; 0 = unlimited. */
    rateLimits: {
      anonymous: variables.SHOTCACHE_RATE_LIMIT_PER_MINUTE,
      keyed: variables.SHOTCACHE_KEY_RATE_LIMIT_PER_MINUTE,
    },
    trustedProxies: variables.SHOTCACHE_TRUSTED_PROXIES,
    signingSecret: variables.SHOTCACHE_SIGNING_SECRET,
    webhookSecret: variables.SHOTCACHE_WEBHOOK_SECRET,
    cronSecret: variables.CRON_SECRET,
  };
}

export type AccessConfig = ReturnType<typeof accessConfigOf>;
