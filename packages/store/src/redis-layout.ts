/**
 * Key names and scripts shared by the Redis and Upstash stores.
 *
 * All keys of one URL share a hash tag, `{urlKey}`, so they live in one Redis Cluster slot and the
 * scripts below may touch them together.
 */
export function redisKeys(prefix: string) {
  return {
    entry: (key: string, urlKey: string) => `${prefix}{${urlKey}}:${key}`,
    variants: (urlKey: string) => `${prefix}{${urlKey}}:variants`,
    lock: (name: string) => `${prefix}lock:${name}`,
    counters: `${prefix}counters`,
  };
}

/**
 * KEYS: entry, variants. ARGV: value, ttl seconds. Stores the entry and indexes it in one step;
 * the index lives as long as its longest-lived entry.
 */
export const SET_ENTRY_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return 1`;

/** KEYS: entry, variants. Removes one entry and its index record; returns 1 if it existed. */
export const DELETE_ENTRY_SCRIPT = `
redis.call('SREM', KEYS[2], KEYS[1])
return redis.call('DEL', KEYS[1])`;

/**
 * KEYS: variants. Deletes every indexed entry, then the index, atomically: no entry can be added
 * between reading the index and deleting it. Returns how many entries existed.
 */
export const PURGE_URL_SCRIPT = `
local removed = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  removed = removed + redis.call('DEL', key)
end
redis.call('DEL', KEYS[1])
return removed`;

/** KEYS: lock. ARGV: token. Deletes the lock only if it still holds our token. */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Default cap on one entry: Upstash refuses requests over 10 MB, and base64 adds a third. */
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;
