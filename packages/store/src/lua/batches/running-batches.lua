-- The batches still running, oldest first; those no longer kept leave the list.
--
-- KEYS[1] running batches: ids by creation (epoch ms) (sorted set)
--
-- ARGV[1] the prefix of a batch's definition key, which the id completes
--
-- Returns the ids.
local running = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then
    running[#running + 1] = id
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return running
