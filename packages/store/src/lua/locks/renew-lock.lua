-- Extends a lock, only if it is still held with the caller's token.
--
-- KEYS[1] the lock
--
-- ARGV[1] its holder's token
-- ARGV[2] the new time to live (ms)
--
-- Returns 1 when renewed, 0 when not held with that token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
