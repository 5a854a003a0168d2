-- Reads an entry unless the caller already holds a copy of it, so that an image kept in the
-- caller's process does not cross the network again. GETRANGE reads only the head, whatever the
-- image's size.
--
-- KEYS[1] the entry
--
-- ARGV[1] the head of the caller's copy of the entry, or '' for none
--
-- Returns 1 when the stored entry begins with that head (the caller's copy is current), else the
-- whole entry, or nil.
local head = ARGV[1]
if #head > 0 and redis.call('GETRANGE', KEYS[1], 0, #head - 1) == head then return 1 end
return redis.call('GET', KEYS[1])
