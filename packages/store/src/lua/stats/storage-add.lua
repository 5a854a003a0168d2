-- Counts a stored entry in the storage figures (again, if it replaced one), after pruning the
-- entries that have left the store since.
--
-- KEYS[1] stored entries: entry keys by when they leave the store (sorted set)
-- KEYS[2] stored sizes: entry key -> image bytes, and '__total' (hash)
--
-- ARGV[1] the entry key
-- ARGV[2] its image bytes
-- ARGV[3] when it leaves the store (epoch ms)
-- ARGV[4] now (epoch ms)
--
-- Returns 1.
--- @include "../includes/storage-accounting.lua"
prune(KEYS[1], KEYS[2], ARGV[4])
forget(KEYS[1], KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], '__total', ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
