-- Keeps a watch and schedules its first run (a watch saved again is rescheduled).
--
-- KEYS[1] watch definitions: id -> definition (JSON) (hash)
-- KEYS[2] watch intervals: id -> ms between runs (hash)
-- KEYS[3] watches due: ids by their next run (epoch ms) (sorted set)
--
-- ARGV[1] the watch's id
-- ARGV[2] its definition (JSON)
-- ARGV[3] ms between runs
-- ARGV[4] its first run (epoch ms)
--
-- Returns 1.
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1
