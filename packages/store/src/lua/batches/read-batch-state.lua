-- A batch's state: whether it was cancelled, and when it was done.
--
-- KEYS[1] the batch's definition (string)
-- KEYS[2] the batch's state: created-at, cancelled, finished-at (hash)
--
-- No ARGV.
--
-- Returns { field, value, … }, or false when the batch is not kept.
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('HGETALL', KEYS[2])
