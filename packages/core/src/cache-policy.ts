import type { CaptureOptions } from "./options";
import { DEFAULT_TTL_POLICY, matchingTtlRule, type TtlPolicy } from "./ttl-policy";

/**
 * Query parameters whose only purpose is to defeat caches: a URL carrying one asks for a fresh
 * page every time, so storing it would only fill the cache with entries no one reads again.
 */
export const CACHE_BUSTING_PARAMS = ["ts", "timestamp", "t", "v", "ver", "bust", "nocache", "_"];

/** Why a capture was neither read from nor written to the cache. */
export type BypassReason =
  | "no-cache"
  | "injected-js"
  | "ttl-zero"
  | "cache-busting-param"
  | "blank-render"
  | "too-large"
  | "purged-during-render"
  | "store-unavailable";

/**
 * Where a TTL came from: the caller's `ttl`, a URL rule, the page's own history of changes, or
 * the configured default.
 */
export type TtlSource = "caller" | "rule" | "adaptive" | "default";

export type CachingDecision =
  | {
      cacheable: true;
      /** Seconds the image stays fresh (before the adaptive TTL, when it applies). */
      ttlSeconds: number;
      /** `default` when neither the caller nor a rule decided: the adaptive TTL may then. */
      ttlSource: Exclude<TtlSource, "adaptive">;
      /** Seconds past freshness the entry is kept, for stale serving. */
      staleSeconds: number;
    }
  | { cacheable: false; reason: BypassReason };

export interface CachePolicy {
  ttlPolicy: TtlPolicy;
  /** Upper bound on any TTL, the caller's included. */
  maxTtlSeconds: number;
  /**
   * Where neither the caller nor a rule sets the TTL, it follows the page's changes within these
   * bounds (see change-history.ts); none = the default TTL.
   */
  adaptiveTtl?: { minSeconds: number; maxSeconds: number };
}

export const DEFAULT_ADAPTIVE_TTL = { minSeconds: 60, maxSeconds: 24 * 60 * 60 };

export const DEFAULT_CACHE_POLICY: CachePolicy = {
  ttlPolicy: DEFAULT_TTL_POLICY,
  maxTtlSeconds: 7 * 24 * 60 * 60,
  adaptiveTtl: DEFAULT_ADAPTIVE_TTL,
};

/** Whether the cache may be used for these options, and for how long — decided before rendering. */
export function decideCaching(
  options: CaptureOptions,
  canonicalUrl: string,
  policy: CachePolicy = DEFAULT_CACHE_POLICY,
): CachingDecision {
  if (options.noCache) return { cacheable: false, reason: "no-cache" };
  // A script can make every render different (and read anything it likes): never shared.
  if (options.js) return { cacheable: false, reason: "injected-js" };
  // A caller who gives a TTL has decided the URL is worth caching, whatever its parameters
  // (`?v=` names a video on some sites, not a version).
  if (options.ttl === undefined) {
    const names = new Set(
      [...new URL(canonicalUrl).searchParams.keys()].map((n) => n.toLowerCase()),
    );
    if (CACHE_BUSTING_PARAMS.some((name) => names.has(name))) {
      return { cacheable: false, reason: "cache-busting-param" };
    }
  }
  const rule =
    options.ttl === undefined ? matchingTtlRule(canonicalUrl, policy.ttlPolicy) : undefined;
  const [chosen, ttlSource] =
    options.ttl !== undefined
      ? [options.ttl, "caller" as const]
      : rule
        ? [rule.ttlSeconds, "rule" as const]
        : [policy.ttlPolicy.defaultTtlSeconds, "default" as const];
  const ttlSeconds = Math.min(chosen, policy.maxTtlSeconds);
  if (ttlSeconds <= 0) return { cacheable: false, reason: "ttl-zero" };
  return {
    cacheable: true,
    ttlSeconds,
    ttlSource,
    staleSeconds: Math.max(options.staleWhileRevalidate, options.staleIfError),
  };
}
