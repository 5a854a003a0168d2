import type { RateLimitDecision, RateLimiter } from "@shotcache/core";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { connectRedis, type RedisConnection } from "./redis-connection";

export interface RateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in ms. @default 60000 */
  windowMs?: number;
  /** Prepended to every key. @default "shotcache:ratelimit:" */
  prefix?: string;
  /** Longest wait for the store; past it the caller lets the request through. @default 1000 */
  timeoutMs?: number;
}

/**
 * The sliding-window estimate @upstash/ratelimit uses: the current fixed window's count plus the
 * previous window's, weighted by how much of it still overlaps the sliding window.
 */
function slidingWindow(
  limit: number,
  windowMs: number,
  now: number,
  counts: { previous: number; current: number },
): { allowed: boolean; used: number; reset: number } {
  const window = Math.floor(now / windowMs);
  const overlap = 1 - (now % windowMs) / windowMs;
  const used = counts.previous * overlap + counts.current;
  return { allowed: used < limit, used, reset: (window + 1) * windowMs };
}

const decision = (limit: number, used: number, reset: number, success: boolean) => ({
  success,
  limit,
  remaining: Math.max(0, Math.floor(limit - used - (success ? 1 : 0))),
  reset,
});

/** In this process only: for the memory store. */
export function createMemoryRateLimiter(options: RateLimitOptions): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const counts = new Map<string, { window: number; current: number; previous: number }>();
  let sweptWindow = 0;
  return {
    async limit(identifier) {
      const now = Date.now();
      const window = Math.floor(now / windowMs);
      let entry = counts.get(identifier);
      if (!entry || entry.window < window - 1) entry = { window, current: 0, previous: 0 };
      else if (entry.window === window - 1) entry = { window, current: 0, previous: entry.current };
      counts.set(identifier, entry);
      const { allowed, used, reset } = slidingWindow(options.limit, windowMs, now, entry);
      if (allowed) entry.current++;
      // Identifiers idle for two windows carry nothing: forget them, at most once a window.
      if (counts.size > 10_000 && sweptWindow !== window) {
        sweptWindow = window;
        for (const [key, value] of counts) if (value.window < window - 1) counts.delete(key);
      }
      return decision(options.limit, used, reset, allowed);
    },
  };
}

/**
 * KEYS: current window, previous window. ARGV: limit, overlap of the previous window (0–1),
 * window ms. The same sliding window as @upstash/ratelimit, in one atomic step. Returns
 * { allowed (1/0), used × 1000 }.
 */
const SLIDING_WINDOW_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local used = previous * tonumber(ARGV[2]) + current
if used >= tonumber(ARGV[1]) then return { 0, math.floor(used * 1000) } end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return { 1, math.floor(used * 1000) }`;

/** The script as ioredis's `defineCommand` adds it to the client. */
interface SlidingWindowCommand {
  slidingWindow(
    currentKey: string,
    previousKey: string,
    limit: number,
    overlap: number,
    windowMs: number,
  ): Promise<[number, number]>;
}

/** Shared by every instance through Redis over TCP (one server or a cluster). */
export function createRedisRateLimiter(
  connection: RedisConnection,
  options: RateLimitOptions,
): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const prefix = options.prefix ?? "shotcache:ratelimit:";
  const redis = connectRedis(connection, {
    commandTimeout: options.timeoutMs ?? 1000,
    maxRetriesPerRequest: 1,
    // A defined command runs by EVALSHA, sending the script itself only when Redis lacks it.
    scripts: { slidingWindow: { numberOfKeys: 2, lua: SLIDING_WINDOW_SCRIPT } },
  });
  const slidingWindowCommand = (redis as unknown as SlidingWindowCommand).slidingWindow;
  return {
    async limit(identifier) {
      const now = Date.now();
      const window = Math.floor(now / windowMs);
      const key = (w: number) => `${prefix}{${identifier}}:${w}`;
      const overlap = 1 - (now % windowMs) / windowMs;
      const [allowed, usedMilli] = await slidingWindowCommand.call(
        redis,
        key(window),
        key(window - 1),
        options.limit,
        overlap,
        windowMs,
      );
      return decision(options.limit, usedMilli / 1000, (window + 1) * windowMs, allowed === 1);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Shared by every instance through Upstash, with @upstash/ratelimit itself. */
export function createUpstashRateLimiter(
  connection: { url: string; token: string },
  options: RateLimitOptions,
): RateLimiter {
  const windowSeconds = Math.round((options.windowMs ?? 60_000) / 1000);
  const ratelimit = new Ratelimit({
    redis: new UpstashRedis({ ...connection, enableTelemetry: false }),
    limiter: Ratelimit.slidingWindow(options.limit, `${windowSeconds} s`),
    prefix: options.prefix ?? "shotcache:ratelimit",
    analytics: false,
    // Past this, @upstash/ratelimit itself lets the request through.
    timeout: options.timeoutMs ?? 1000,
  });
  return {
    async limit(identifier): Promise<RateLimitDecision> {
      const { success, limit, remaining, reset } = await ratelimit.limit(identifier);
      return { success, limit, remaining, reset };
    },
  };
}
