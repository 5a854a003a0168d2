-- Takes removed entries out of the storage figures.
--
-- KEYS[1] stored entries: entry keys by when they leave the store (sorted set)
-- KEYS[2] stored sizes: entry key -> image bytes, and '__total' (hash)
--
-- ARGV[1...] the keys of the removed entries
--
-- Returns 1.
--- @include "../includes/storage-accounting.lua"
for _, key in ipairs(ARGV) do forget(KEYS[1], KEYS[2], key) end
return 1
