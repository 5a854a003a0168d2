-- Reads the storage figures, after forgetting entries Redis has expired by now (a bounded number
-- per call; writes prune too).
--
-- KEYS[1] stored entries: entry keys by when they leave the store (sorted set)
-- KEYS[2] stored sizes: entry key -> image bytes, and '__total' (hash)
--
-- ARGV[1] now (epoch ms)
--
-- Returns { entries, bytes }.
--- @include "../includes/storage-accounting.lua"
prune(KEYS[1], KEYS[2], ARGV[1])
return { redis.call('ZCARD', KEYS[1]), tonumber(redis.call('HGET', KEYS[2], '__total') or '0') }
