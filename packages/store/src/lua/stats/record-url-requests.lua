-- Adds requests and hits per URL. Past twice the URLs kept, the least requested are forgotten,
-- so the ranking stays small however many URLs are asked for.
--
-- KEYS[1] URL requests: URL key by requests (sorted set)
-- KEYS[2] URL hits: URL key -> hits (hash)
-- KEYS[3] URL names: URL key -> URL (hash)
--
-- ARGV[1] how many URLs to keep
-- ARGV[2...] <url key>, <url>, <requests>, <hits> for each URL counted
--
-- Returns 1.
for i = 2, #ARGV, 4 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i + 2], ARGV[i])
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 3])
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
end
local kept = tonumber(ARGV[1])
local excess = redis.call('ZCARD', KEYS[1]) - kept
if excess > kept then
  local gone = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
  redis.call('HDEL', KEYS[2], unpack(gone))
  redis.call('HDEL', KEYS[3], unpack(gone))
end
return 1
