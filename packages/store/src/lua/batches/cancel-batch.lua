-- Marks a running batch cancelled.
--
-- KEYS[1] the batch's definition (string)
-- KEYS[2] the batch's state: created-at, cancelled, finished-at (hash)
--
-- No ARGV.
--
-- Returns 1 when it was running, else 0.
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[2], 'finished-at') == 1 then
  return 0
end
redis.call('HSET', KEYS[2], 'cancelled', '1')
redis.call('EXPIRE', KEYS[2], redis.call('TTL', KEYS[1]))
return 1
