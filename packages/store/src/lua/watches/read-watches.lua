-- Reads every watch with its next run.
--
-- KEYS[1] watch definitions: id -> definition (JSON) (hash)
-- KEYS[2] watches due: ids by their next run (epoch ms) (sorted set)
--
-- ARGV none
--
-- Returns <id>, <definition>, <next run> for each watch, flat.
local flat = redis.call('HGETALL', KEYS[1])
local watches = {}
for i = 1, #flat, 2 do
  watches[#watches + 1] = flat[i]
  watches[#watches + 1] = flat[i + 1]
  watches[#watches + 1] = redis.call('ZSCORE', KEYS[2], flat[i]) or '0'
end
return watches
