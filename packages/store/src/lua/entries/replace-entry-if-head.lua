-- Replaces an entry with a new frame of the same image, if the stored entry is still the one the
-- caller read (its frame begins with the head the caller saw); its expiry is kept.
--
-- KEYS[1] the entry
--
-- ARGV[1] the head of the entry as the caller read it
-- ARGV[2] the new frame
--
-- Returns 1 when replaced, else 0.
local head = ARGV[1]
if redis.call('GETRANGE', KEYS[1], 0, #head - 1) ~= head then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
