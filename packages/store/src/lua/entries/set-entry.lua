-- Stores an entry and indexes it under its URL, unless the URL was purged after the render began
-- (the image predates the purge; a render that began in the purge's millisecond counts as after
-- it).
--
-- KEYS[1] the entry
-- KEYS[2] the URL's variants: entry keys by when they leave the store (sorted set)
-- KEYS[3] when the URL was last purged (epoch ms)
--
-- ARGV[1] the entry's value (its frame)
-- ARGV[2] seconds to keep it
-- ARGV[3] when its render began (epoch ms)
-- ARGV[4] when it leaves the store (epoch ms)
-- ARGV[5] now (epoch ms)
--
-- Returns 1 when stored, 0 when refused.
local purged = redis.call('GET', KEYS[3])
if purged and tonumber(purged) > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return 1
