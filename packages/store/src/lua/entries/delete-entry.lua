-- Removes one variant of a URL, and marks the URL purged so that a render already under way does
-- not store its image afterwards.
--
-- KEYS[1] the entry
-- KEYS[2] the URL's variants (sorted set of entry keys)
-- KEYS[3] when the URL was last purged (epoch ms)
--
-- ARGV[1] the purge time (epoch ms)
-- ARGV[2] seconds to remember the purge
--
-- Returns 1 if the entry existed, else 0.
--- @include "../includes/mark-purged.lua"
mark_purged(KEYS[3], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[2], KEYS[1])
return redis.call('DEL', KEYS[1])
