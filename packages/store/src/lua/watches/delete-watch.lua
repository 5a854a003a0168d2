-- Forgets a watch: its definition, interval, last ETag and schedule.
--
-- KEYS[1] watch definitions: id -> definition (JSON) (hash)
-- KEYS[2] watch intervals: id -> ms between runs (hash)
-- KEYS[3] watch ETags: id -> the ETag it last saw (hash)
-- KEYS[4] watches due: ids by their next run (epoch ms) (sorted set)
--
-- ARGV[1] the watch's id
--
-- Returns 1 if it existed, else 0.
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
