-- Keeps a new batch, running: its definition, its state, and its place among the running ones.
--
-- KEYS[1] the batch's definition (string)
-- KEYS[2] the batch's state: created-at, cancelled, finished-at (hash)
-- KEYS[3] running batches: ids by when they are no longer kept (epoch ms) (sorted set)
--
-- ARGV[1] batch id
-- ARGV[2] definition (JSON)
-- ARGV[3] created at (epoch ms)
-- ARGV[4] seconds to keep it
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[4]))
redis.call('HSET', KEYS[2], 'created-at', ARGV[3])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]) + 1000 * tonumber(ARGV[4]), ARGV[1])
return 1
