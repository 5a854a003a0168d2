-- Keeps a variant's version images for as long as its history: stores the newest when given,
-- and extends the others (a render of the newest image again sends no bytes).
--
-- KEYS[1] the newest version's image
-- KEYS[2…] the images of the other versions kept
--
-- ARGV[1] seconds to keep them
-- ARGV[2] the newest image's bytes, or '' to keep the stored one
--
-- Returns 0 when no bytes were given and the newest image is not stored (gone, evicted): the
-- caller sends it then. Else 1.
local kept = 1
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[1])
elseif redis.call('EXPIRE', KEYS[1], ARGV[1]) == 0 then
  kept = 0
end
for index = 2, #KEYS do redis.call('EXPIRE', KEYS[index], ARGV[1]) end
return kept
