-- Notes the change ratio of a variant's version, measured with the masks of a signature, if that
-- version is still kept (a measure may finish after its version was dropped).
--
-- KEYS[1] the variant's versions (list of `<captured at> <etag> <content type>`)
-- KEYS[2] hash of `<captured at> <mask signature>` -> change ratio
--
-- ARGV[1] the version's capture time (epoch ms)
-- ARGV[2] the mask signature
-- ARGV[3] the ratio
--
-- Returns 1 if noted, else 0.
local prefix = ARGV[1] .. ' '
for _, record in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(record, 1, #prefix) == prefix then
    redis.call('HSET', KEYS[2], prefix .. ARGV[2], ARGV[3])
    redis.call('EXPIRE', KEYS[2], redis.call('TTL', KEYS[1]))
    return 1
  end
end
return 0
