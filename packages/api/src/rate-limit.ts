import { setTimeout as sleep } from "node:timers/promises";
import type { RateLimiter } from "@shotcache/core";
import type { ApiKey } from "./access";
import { rateLimitGroupOf } from "./client-address";

/** Limits on captures: per API key for key holders, per client address for everyone else. */
export interface RateLimits {
  keyed?: RateLimiter;
  anonymous?: RateLimiter;
}

export interface RateLimitOutcome {
  allowed: boolean;
  /** `RateLimit-*` headers, and `Retry-After` when refused. */
  headers: Record<string, string>;
}

const ALLOWED: RateLimitOutcome = { allowed: true, headers: {} };

/**
 * Who a capture counts against: its API key (by the key matched, not by how the header spells it;
 * the key itself never becomes a store key or a log line, only its id, a part of its digest,
 * does), else its address's group.
 */
export const rateLimitIdentifierOf = (key: ApiKey | undefined, clientAddress: string) =>
  key ? `key:${key.id}` : `ip:${rateLimitGroupOf(clientAddress)}`;

/**
 * Counts a capture against the caller's limit: its API key's (`key`, the one it presented), else its
 * address's. A limiter that fails (its store is down) lets the
 * request through: rate limiting must not turn a store outage into an API outage.
 */
export async function applyRateLimit(
  context: { rateLimits?: RateLimits; onUnexpectedError?: (error: unknown) => void },
  key: ApiKey | undefined,
  clientAddress: string,
): Promise<RateLimitOutcome> {
  if (!context.rateLimits?.keyed && !context.rateLimits?.anonymous) return ALLOWED;
  const limiter = key ? context.rateLimits?.keyed : context.rateLimits?.anonymous;
  if (!limiter) return ALLOWED;
  const identifier = rateLimitIdentifierOf(key, clientAddress);
  let decision: Awaited<ReturnType<RateLimiter["limit"]>>;
  try {
    decision = await limiter.limit(identifier);
  } catch (error) {
    context.onUnexpectedError?.(error);
    return ALLOWED;
  }
  const resetSeconds = Math.max(0, Math.ceil((decision.reset - Date.now()) / 1000));
  const headers: Record<string, string> = {
    "ratelimit-limit": String(decision.limit),
    "ratelimit-remaining": String(decision.remaining),
    "ratelimit-reset": String(resetSeconds),
  };
  if (!decision.success) headers["retry-after"] = String(Math.max(1, resetSeconds));
  return { allowed: decision.success, headers };
}

/**
 * Waits until the limit of the caller a batch counts against (`limitedAs`, see
 * `rateLimitIdentifierOf`) lets one more capture through, and counts it: a batch runs at its
 * caller's pace. A limiter that fails lets the capture through, as for a request; `signal` ends
 * the wait (the caller then looks whether to go on).
 */
export function batchQuota(rateLimits: RateLimits | undefined) {
  return async ({ limitedAs }: { limitedAs: string }, signal?: AbortSignal): Promise<void> => {
    const limiter = limitedAs.startsWith("key:") ? rateLimits?.keyed : rateLimits?.anonymous;
    while (limiter && !signal?.aborted) {
      const decision = await limiter.limit(limitedAs).catch(() => undefined);
      if (!decision || decision.success) return;
      const wait = Math.max(250, decision.reset - Date.now());
      await sleep(wait, undefined, { signal }).catch(() => {});
    }
  };
}
