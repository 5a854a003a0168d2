-- Keeps versions' images for as long as their history: stores the first when given its bytes,
-- else extends each.
--
-- KEYS[1] the first image, KEYS[2…] the others
--
-- ARGV[1] seconds to keep them
-- ARGV[2] the first image's bytes, or '' to keep those stored
--
-- Returns 0 when no bytes were given and the first image is not stored (gone, or never sent):
-- the caller sends it then. Else 1.
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[1])
  return 1
end
local kept = redis.call('EXPIRE', KEYS[1], ARGV[1])
for index = 2, #KEYS do redis.call('EXPIRE', KEYS[index], ARGV[1]) end
return kept
