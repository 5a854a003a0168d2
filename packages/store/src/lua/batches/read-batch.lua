-- A batch: its definition, its results and its state, in one step.
--
-- KEYS[1] the batch's definition (string)
-- KEYS[2] the batch's results: capture index -> result (JSON) (hash)
-- KEYS[3] the batch's state: created-at, cancelled, finished-at (hash)
--
-- No ARGV.
--
-- Returns { definition, { index, result, … }, { field, value, … } }, or false when not kept.
local definition = redis.call('GET', KEYS[1])
if not definition then return false end
return { definition, redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]) }
