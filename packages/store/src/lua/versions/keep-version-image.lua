-- Keeps a version's image for as long as its history: stores it when given, else only extends
-- the one already stored (a render of the newest image again sends no bytes).
--
-- KEYS[1] the image
--
-- ARGV[1] seconds to keep it
-- ARGV[2] the image's bytes, or '' to keep the stored one
--
-- Returns 1.
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[1])
else
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return 1
