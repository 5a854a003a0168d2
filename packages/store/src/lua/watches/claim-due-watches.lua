-- Claims the watches due by now, each for one run: moves each one's next run an interval on (from
-- when it was due, or from now if that is already past too), so that of several instances asking
-- at once, only one gets each run. Ids without a definition (deleted meanwhile) leave the
-- schedule.
--
-- KEYS[1] watch definitions: id -> definition (JSON) (hash)
-- KEYS[2] watch intervals: id -> ms between runs (hash)
-- KEYS[3] watches due: ids by their next run (epoch ms) (sorted set)
--
-- ARGV[1] now (epoch ms)
-- ARGV[2] the most watches to claim
--
-- Returns <id>, <definition> for each watch claimed, flat.
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {}
for i = 1, #due, 2 do
  local id = due[i]
  local definition = redis.call('HGET', KEYS[1], id)
  local every = tonumber(redis.call('HGET', KEYS[2], id))
  if definition and every then
    local next_run = tonumber(due[i + 1]) + every
    if next_run <= now then next_run = now + every end
    redis.call('ZADD', KEYS[3], next_run, id)
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = definition
  else
    redis.call('ZREM', KEYS[3], id)
  end
end
return claimed
