-- Marks a batch done, once: of several instances finishing it at once, one is told it did.
--
-- KEYS[1] the batch's state: created-at, cancelled, finished-at (hash)
-- KEYS[2] running batches: ids by when they are no longer kept (epoch ms) (sorted set)
--
-- ARGV[1] batch id
-- ARGV[2] finished at (epoch ms)
--
-- Returns 1 for the caller that finished it, else 0.
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'finished-at', ARGV[2])
