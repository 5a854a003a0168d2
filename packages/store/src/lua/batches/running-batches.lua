-- The batches still running, oldest first (all are kept as long); those no longer kept leave the
-- list.
--
-- KEYS[1] running batches: ids by when they are no longer kept (epoch ms) (sorted set)
--
-- ARGV[1] now (epoch ms)
--
-- Returns the ids.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]))
return redis.call('ZRANGE', KEYS[1], 0, -1)
