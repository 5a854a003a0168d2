-- Releases a lock, only if it is still held with the caller's token: once it expired, someone
-- else may have taken it.
--
-- KEYS[1] the lock
--
-- ARGV[1] its holder's token
--
-- Returns 1 when released, 0 when not held with that token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
