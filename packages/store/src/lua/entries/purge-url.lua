-- Marks a URL purged and drops its index of variants. The entries themselves are deleted by the
-- caller, in one DEL: a script may touch only the keys it declares, and it cannot know them
-- before it has read the index.
--
-- KEYS[1] the URL's variants (sorted set of entry keys)
-- KEYS[2] when the URL was last purged (epoch ms)
--
-- ARGV[1] the purge time (epoch ms)
-- ARGV[2] seconds to remember the purge
--
-- Returns the entry keys the index held.
--- @include "../includes/mark-purged.lua"
mark_purged(KEYS[2], ARGV[1], ARGV[2])
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return members
