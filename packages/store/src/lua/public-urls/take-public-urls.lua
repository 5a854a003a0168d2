-- Takes the public URLs noted for a URL, or for one of its variants: they are removed as read.
--
-- KEYS[1] the URL's public URLs: <variant key> <public URL> by when noted (sorted set)
--
-- ARGV[1] the prefix of the members to take ('<variant key> '), or '' for all
--
-- Returns the members taken.
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
if ARGV[1] == '' then
  redis.call('DEL', KEYS[1])
  return members
end
local taken = {}
for _, member in ipairs(members) do
  if string.sub(member, 1, #ARGV[1]) == ARGV[1] then
    redis.call('ZREM', KEYS[1], member)
    taken[#taken + 1] = member
  end
end
return taken
