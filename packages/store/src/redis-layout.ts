/**
 * Key names and scripts shared by the Redis and Upstash stores.
 *
 * All keys of one URL share a hash tag, `{urlKey}`, so they live in one Redis Cluster slot and the
 * scripts below may touch them together.
 */
export function redisKeys(prefix: string) {
  // Statistics share one slot too, so their scripts may update several of them at once.
  const stats = `${prefix}{stats}`;
  return {
    entry: (key: string, urlKey: string) => `${prefix}{${urlKey}}:${key}`,
    variants: (urlKey: string) => `${prefix}{${urlKey}}:variants`,
    lock: (name: string) => `${prefix}lock:${name}`,
    counters: `${stats}:counters`,
    hour: (hourStart: number) => `${stats}:hour:${hourStart}`,
    histograms: `${stats}:histograms`,
    /** Sorted set of entry keys by the time they leave the store (epoch ms). */
    storedEntries: `${stats}:entries`,
    /** Hash of entry key → image bytes, and `__total`. */
    storedSizes: `${stats}:sizes`,
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
 * between reading the index and deleting it. Returns the keys of the entries that existed.
 */
export const PURGE_URL_SCRIPT = `
local removed = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('DEL', key) == 1 then table.insert(removed, key) end
end
redis.call('DEL', KEYS[1])
return removed`;

/**
 * KEYS: counters, hour, histograms. ARGV: hour TTL seconds, number of counter pairs, then
 * counter field/delta pairs, then histogram field/delta pairs. One command per capture.
 */
export const RECORD_STATS_SCRIPT = `
local counters = tonumber(ARGV[2])
for i = 3, 2 + 2 * counters, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
end
if counters > 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
for i = 3 + 2 * counters, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1])
end
return 1`;

/** Removes one entry from the storage accounting (a Lua function the scripts below share). */
const FORGET_ENTRY = `
local function forget(entries, sizes, key)
  local size = redis.call('HGET', sizes, key)
  if size then
    redis.call('HINCRBY', sizes, '__total', -tonumber(size))
    redis.call('HDEL', sizes, key)
  end
  redis.call('ZREM', entries, key)
end`;

/** KEYS: stored entries, stored sizes. ARGV: entry key, bytes, leaves-at (epoch ms). */
export const STORAGE_ADD_SCRIPT = `${FORGET_ENTRY}
forget(KEYS[1], KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], '__total', ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

/** KEYS: stored entries, stored sizes. ARGV: the keys of removed entries. */
export const STORAGE_REMOVE_SCRIPT = `${FORGET_ENTRY}
for _, key in ipairs(ARGV) do forget(KEYS[1], KEYS[2], key) end
return 1`;

/**
 * KEYS: stored entries, stored sizes. ARGV: now (epoch ms). Forgets entries Redis has expired
 * by now, then returns { entries, bytes }.
 */
export const STORAGE_READ_SCRIPT = `${FORGET_ENTRY}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])) do
  forget(KEYS[1], KEYS[2], key)
end
return { redis.call('ZCARD', KEYS[1]), tonumber(redis.call('HGET', KEYS[2], '__total') or '0') }`;

/** KEYS: lock. ARGV: token. Deletes the lock only if it still holds our token. */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Default cap on one entry: Upstash refuses requests over 10 MB, and base64 adds a third. */
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;
