import { HOUR_MS, HOURLY_RETENTION_HOURS } from "@shotcache/core";

/**
 * Key names and scripts shared by the Redis and Upstash stores.
 *
 * All keys of one URL share a hash tag, `{urlKey}`, and all statistics keys share `{stats}`, so
 * each script's keys live in one Redis Cluster slot. Every script declares the keys it touches.
 */
export function redisKeys(prefix: string) {
  const stats = `${prefix}{stats}`;
  const watches = `${prefix}{watches}`;
  return {
    entry: (key: string, urlKey: string) => `${prefix}{${urlKey}}:${key}`,
    /** Sorted set of a URL's entry keys, scored by when they leave the store (epoch ms). */
    variants: (urlKey: string) => `${prefix}{${urlKey}}:variants`,
    /** Sorted set of `<variant key> <public URL>` answered for the URL, by when (epoch ms). */
    publicUrls: (urlKey: string) => `${prefix}{${urlKey}}:public-urls`,
    /** When the URL was last purged (epoch ms): renders started earlier may not store. */
    purgedAt: (urlKey: string) => `${prefix}{${urlKey}}:purged-at`,
    /** List of a variant's latest renders, `<at> <changed at> <etag>`, newest first. */
    renders: (key: string, urlKey: string) => `${prefix}{${urlKey}}:renders:${key}`,
    /** Hash of the URL's `renders` and `changes`. */
    urlHistory: (urlKey: string) => `${prefix}{${urlKey}}:history`,
    /** List of the URL's intervals between renders of a variant, `<seconds> <0|1>`, newest first. */
    intervals: (urlKey: string) => `${prefix}{${urlKey}}:intervals`,
    lock: (name: string) => `${prefix}lock:${name}`,
    counters: `${stats}:counters`,
    hour: (hourStart: number) => `${stats}:hour:${hourStart}`,
    histograms: `${stats}:histograms`,
    /** List of the latest purges as JSON records, newest first. */
    recentPurges: `${stats}:recent-purges`,
    /** Sorted set of entry keys by the time they leave the store (epoch ms). */
    storedEntries: `${stats}:entries`,
    /** Hash of entry key → image bytes, and `__total`. */
    storedSizes: `${stats}:sizes`,
    /** Sorted set of URL keys by requests, hash of their hits, hash of their URLs. */
    urlRequests: `${stats}:url-requests`,
    urlHits: `${stats}:url-hits`,
    urlNames: `${stats}:url-names`,
    /** Hashes of watch id → definition (JSON), interval (ms), the ETag it last saw. */
    watchDefinitions: `${watches}:definitions`,
    watchIntervals: `${watches}:intervals`,
    watchEtags: `${watches}:etags`,
    /** Sorted set of watch ids by their next run (epoch ms). */
    watchesDue: `${watches}:due`,
  };
}

/** Default cap on one entry for memory and Redis (the Upstash store has a lower one). */
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** Bytes of recently read images a Redis or Upstash store keeps in process by default. */
export const DEFAULT_LOCAL_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** How long a purge is remembered: longer than any render that could have started before it. */
export const PURGE_MARKER_SECONDS = 600;

/** Seconds an hourly statistics bucket is kept: its retention plus the hour itself. */
export const HOUR_BUCKET_TTL_SECONDS = (HOURLY_RETENTION_HOURS * HOUR_MS) / 1000 + 3600;

/** Most expired records one call prunes, so no script runs unbounded. */
const PRUNE_LIMIT = 200;

/**
 * KEYS: entry, variants, purged-at. ARGV: value, keep seconds, render start, leaves-at, now (ms).
 * Stores the entry and indexes it, unless the URL was purged after the render began (the image
 * predates the purge; a render that began in the purge's millisecond counts as after it).
 * Returns 1 when stored, 0 when refused.
 */
export const SET_ENTRY_SCRIPT = `
local purged = redis.call('GET', KEYS[3])
if purged and tonumber(purged) > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return 1`;

/** Records a purge time, keeping the latest (a Lua function the purge scripts share). */
const MARK_PURGED = `
local function mark_purged(key, at, seconds)
  local previous = redis.call('GET', key)
  if not previous or tonumber(previous) < tonumber(at) then
    redis.call('SET', key, at, 'EX', seconds)
  end
end`;

/** KEYS: entry, variants, purged-at. ARGV: purge time (ms), marker seconds. Returns 1 if it existed. */
export const DELETE_ENTRY_SCRIPT = `${MARK_PURGED}
mark_purged(KEYS[3], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[2], KEYS[1])
return redis.call('DEL', KEYS[1])`;

/**
 * KEYS: variants, purged-at. ARGV: purge time (ms), marker seconds. Marks the URL purged, drops
 * its index and returns the entry keys it held, which the caller then deletes in one DEL (keys a
 * script did not declare must not be touched by it).
 */
export const PURGE_URL_SCRIPT = `${MARK_PURGED}
mark_purged(KEYS[2], ARGV[1], ARGV[2])
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return members`;

/**
 * KEYS: entry. ARGV: the head of the caller's copy of the entry, or '' for none. Returns 1 when
 * the stored entry begins with that head (the caller's copy is current: no image is sent),
 * else the whole entry, or nil. GETRANGE reads only the head, whatever the image's size.
 */
export const READ_ENTRY_UNLESS_HELD_SCRIPT = `
local head = ARGV[1]
if #head > 0 and redis.call('GETRANGE', KEYS[1], 0, #head - 1) == head then return 1 end
return redis.call('GET', KEYS[1])`;

/**
 * KEYS: public URLs. ARGV: member (`<variant key> <url>`), now (ms), how many to keep, keep
 * seconds. Notes the URL, keeps the newest, and keeps the set at least as long as the entry.
 */
export const REMEMBER_PUBLIC_URL_SCRIPT = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
return 1`;

/**
 * KEYS: public URLs. ARGV: the members' prefix to take ('<variant key> '), or '' for all.
 * Removes and returns them.
 */
export const TAKE_PUBLIC_URLS_SCRIPT = `
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
if ARGV[1] == '' then
  redis.call('DEL', KEYS[1])
  return members
end
local taken = {}
for _, member in ipairs(members) do
  if string.sub(member, 1, #ARGV[1]) == ARGV[1] then
    redis.call('ZREM', KEYS[1], member)
    taken[#taken + 1] = member
  end
end
return taken`;

/**
 * KEYS: the variant's renders, the URL's history, the URL's intervals. ARGV: etag, render time
 * (ms), renders kept, intervals kept, keep seconds. Notes the render (see core's `observe` and
 * `intervalClosedBy`, which this mirrors) and returns { the variant's renders, the intervals }.
 */
export const NOTE_RENDER_SCRIPT = `
local etag, at = ARGV[1], ARGV[2]
local changed_at = at
local previous = redis.call('LINDEX', KEYS[1], 0)
if previous then
  local previous_at, previous_changed_at, previous_etag = string.match(previous, '^(%S+) (%S+) (.+)$')
  local changed = 1
  if previous_etag == etag then
    changed_at = previous_changed_at
    changed = 0
  end
  local seconds = math.max(0, (tonumber(at) - tonumber(previous_at)) / 1000)
  redis.call('LPUSH', KEYS[3], tostring(seconds) .. ' ' .. changed)
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
  redis.call('HINCRBY', KEYS[2], 'changes', changed)
end
redis.call('LPUSH', KEYS[1], at .. ' ' .. changed_at .. ' ' .. etag)
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
redis.call('HINCRBY', KEYS[2], 'renders', 1)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return { redis.call('LRANGE', KEYS[1], 0, -1), redis.call('LRANGE', KEYS[3], 0, -1) }`;

/** KEYS: the URL's history, the URL's intervals. Returns { renders, changes, intervals }. */
export const READ_URL_HISTORY_SCRIPT = `
local counts = redis.call('HMGET', KEYS[1], 'renders', 'changes')
return { counts[1] or '0', counts[2] or '0', redis.call('LRANGE', KEYS[2], 0, -1) }`;

/**
 * KEYS: URL requests, URL hits, URL names. ARGV: URLs kept, then `<url key> <url> <requests>
 * <hits>` for each URL counted. Past twice the URLs kept, the least requested go.
 */
export const RECORD_URL_REQUESTS_SCRIPT = `
for i = 2, #ARGV, 4 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i + 2], ARGV[i])
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 3])
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
end
local kept = tonumber(ARGV[1])
local excess = redis.call('ZCARD', KEYS[1]) - kept
if excess > kept then
  local gone = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
  redis.call('HDEL', KEYS[2], unpack(gone))
  redis.call('HDEL', KEYS[3], unpack(gone))
end
return 1`;

/**
 * KEYS: URL requests, URL hits, URL names. ARGV: how many. Returns `<url key>`, `<url>`,
 * `<requests>`, `<hits>` for each of the most requested, most requested first.
 */
export const READ_TOP_URLS_SCRIPT = `
local ranked = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local top = {}
for i = 1, #ranked, 2 do
  local key = ranked[i]
  top[#top + 1] = key
  top[#top + 1] = redis.call('HGET', KEYS[3], key) or ''
  top[#top + 1] = ranked[i + 1]
  top[#top + 1] = redis.call('HGET', KEYS[2], key) or '0'
end
return top`;

/** KEYS: watch definitions, intervals, due. ARGV: id, definition, interval (ms), first run (ms). */
export const SAVE_WATCH_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1`;

/** KEYS: watch definitions, intervals, ETags, due. ARGV: id. Returns 1 if it existed. */
export const DELETE_WATCH_SCRIPT = `
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])`;

/** KEYS: watch definitions, due. Returns `<id>`, `<definition>`, `<next run>` for each watch. */
export const READ_WATCHES_SCRIPT = `
local flat = redis.call('HGETALL', KEYS[1])
local watches = {}
for i = 1, #flat, 2 do
  watches[#watches + 1] = flat[i]
  watches[#watches + 1] = flat[i + 1]
  watches[#watches + 1] = redis.call('ZSCORE', KEYS[2], flat[i]) or '0'
end
return watches`;

/**
 * KEYS: watch definitions, intervals, due. ARGV: now (ms), most to claim. Moves each due watch's
 * next run one interval on (from when it was due, or from now if that is already past), so each
 * run is claimed once, and returns `<id>`, `<definition>` for each. Ids without a definition
 * (deleted meanwhile) leave the schedule.
 */
export const CLAIM_DUE_WATCHES_SCRIPT = `
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {}
for i = 1, #due, 2 do
  local id = due[i]
  local definition = redis.call('HGET', KEYS[1], id)
  local every = tonumber(redis.call('HGET', KEYS[2], id))
  if definition and every then
    local next_run = tonumber(due[i + 1]) + every
    if next_run <= now then next_run = now + every end
    redis.call('ZADD', KEYS[3], next_run, id)
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = definition
  else
    redis.call('ZREM', KEYS[3], id)
  end
end
return claimed`;

/** KEYS: watch definitions, ETags. ARGV: id, ETag. Returns the ETag seen before, or nil. */
export const SWAP_WATCH_ETAG_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return nil end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return previous`;

/** KEYS: lock. ARGV: token. Deletes the lock only if it still holds our token. */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** KEYS: the lock. ARGV: its holder's token, the new TTL in ms. 1 when renewed, 0 when not held. */
export const RENEW_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/**
 * KEYS: counters, hour, histograms, recent purges. ARGV: hour TTL seconds, purges kept, number of
 * counter pairs, number of histogram pairs, then counter field/delta pairs, histogram field/delta
 * pairs, and purge records (JSON, oldest first). One command per hourly bucket flushed.
 */
export const RECORD_STATS_SCRIPT = `
local counters = tonumber(ARGV[3])
local histograms = tonumber(ARGV[4])
local first = 5
for i = first, first + 2 * counters - 1, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
end
if counters > 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
first = first + 2 * counters
for i = first, first + 2 * histograms - 1, 2 do
  redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1])
end
first = first + 2 * histograms
if first <= #ARGV then
  redis.call('LPUSH', KEYS[4], unpack(ARGV, first))
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[2]) - 1)
end
return 1`;

/** Storage accounting helpers shared by the scripts below. */
const STORAGE_FUNCTIONS = `
local function forget(entries, sizes, key)
  local size = redis.call('HGET', sizes, key)
  if size then
    redis.call('HINCRBY', sizes, '__total', -tonumber(size))
    redis.call('HDEL', sizes, key)
  end
  redis.call('ZREM', entries, key)
end
local function prune(entries, sizes, now)
  local gone = redis.call('ZRANGEBYSCORE', entries, '-inf', now, 'LIMIT', 0, ${PRUNE_LIMIT})
  for _, key in ipairs(gone) do forget(entries, sizes, key) end
end`;

/** KEYS: stored entries, stored sizes. ARGV: entry key, bytes, leaves-at (ms), now (ms). */
export const STORAGE_ADD_SCRIPT = `${STORAGE_FUNCTIONS}
prune(KEYS[1], KEYS[2], ARGV[4])
forget(KEYS[1], KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], '__total', ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

/** KEYS: stored entries, stored sizes. ARGV: the keys of removed entries. */
export const STORAGE_REMOVE_SCRIPT = `${STORAGE_FUNCTIONS}
for _, key in ipairs(ARGV) do forget(KEYS[1], KEYS[2], key) end
return 1`;

/**
 * KEYS: stored entries, stored sizes. ARGV: now (ms). Forgets entries Redis has expired by now
 * (a bounded number per call; writes prune too), then returns { entries, bytes }.
 */
export const STORAGE_READ_SCRIPT = `${STORAGE_FUNCTIONS}
prune(KEYS[1], KEYS[2], ARGV[1])
return { redis.call('ZCARD', KEYS[1]), tonumber(redis.call('HGET', KEYS[2], '__total') or '0') }`;
