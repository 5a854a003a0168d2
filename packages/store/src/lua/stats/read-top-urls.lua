-- Reads the most requested URLs.
--
-- KEYS[1] URL requests: URL key by requests (sorted set)
-- KEYS[2] URL hits: URL key -> hits (hash)
-- KEYS[3] URL names: URL key -> URL (hash)
--
-- ARGV[1] how many URLs to read
--
-- Returns <url key>, <url>, <requests>, <hits> for each, most requested first, flat.
local ranked = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local top = {}
for i = 1, #ranked, 2 do
  local key = ranked[i]
  top[#top + 1] = key
  top[#top + 1] = redis.call('HGET', KEYS[3], key) or ''
  top[#top + 1] = ranked[i + 1]
  top[#top + 1] = redis.call('HGET', KEYS[2], key) or '0'
end
return top
