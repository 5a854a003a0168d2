-- Remembers the ETag a watch saw in this run, for the next run to compare with.
--
-- KEYS[1] watch definitions: id -> definition (JSON) (hash)
-- KEYS[2] watch ETags: id -> the ETag it last saw (hash)
--
-- ARGV[1] the watch's id
-- ARGV[2] the ETag it saw
--
-- Returns the ETag it saw before, or nil (also for a watch deleted meanwhile, which keeps none).
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return nil end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return previous
