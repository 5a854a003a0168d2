-- Notes the change ratio of a variant's version, measured with the masks of a signature, if that
-- version is still kept (a measure may finish after its version was dropped). A version keeps the
-- ratios of at most ARGV[4] signatures: past them, one noted earlier goes.
--
-- KEYS[1] the variant's versions (list of `<captured at> <etag> <content type>`)
-- KEYS[2] hash of `<captured at> <mask signature>` -> change ratio
--
-- ARGV[1] the version's capture time (epoch ms)
-- ARGV[2] the mask signature
-- ARGV[3] the ratio
-- ARGV[4] most signatures per version
--
-- Returns 1 if noted, else 0.
local prefix = ARGV[1] .. ' '
for _, record in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(record, 1, #prefix) == prefix then
    local field = prefix .. ARGV[2]
    if redis.call('HEXISTS', KEYS[2], field) == 0 then
      local noted = {}
      for _, other in ipairs(redis.call('HKEYS', KEYS[2])) do
        if string.sub(other, 1, #prefix) == prefix then table.insert(noted, other) end
      end
      if #noted >= tonumber(ARGV[4]) then redis.call('HDEL', KEYS[2], noted[1]) end
    end
    redis.call('HSET', KEYS[2], field, ARGV[3])
    redis.call('EXPIRE', KEYS[2], redis.call('TTL', KEYS[1]))
    return 1
  end
end
return 0
