-- Adds a version as the newest of a variant's, unless its ETag is the newest's already; keeps the
-- newest ARGV[5]; drops the boxes and ratios of the versions that go. The versions' images are
-- kept by the caller (keep-version-image.lua), and those of the dropped ones deleted by it: a
-- script may touch only the keys it declares, and it knows the image keys only now.
--
-- KEYS[1] the variant's versions: list of `<captured at> <etag> <content type>`, newest first
-- KEYS[2] hash of `<captured at>` -> the boxes of ignored selectors at that render (JSON)
-- KEYS[3] hash of `<captured at> <mask signature>` -> change ratio against the version before
--
-- ARGV[1] when the version was captured (epoch ms)
-- ARGV[2] its ETag
-- ARGV[3] its content type
-- ARGV[4] its boxes (JSON), or '' for none
-- ARGV[5] how many versions to keep (1 or more)
-- ARGV[6] seconds to keep the history from now
--
-- Returns { 1 if added else 0, the ETags of dropped versions that no kept version shows }.
local function captured_at(record) return string.match(record, '^(%S+)') end
local function etag_of(record) return string.match(record, '^%S+ (%S+)') end

local added = 0
local dropped = {}
local newest = redis.call('LINDEX', KEYS[1], 0)
if not newest or etag_of(newest) ~= ARGV[2] then
  added = 1
  redis.call('LPUSH', KEYS[1], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[4]) end
  local keep = tonumber(ARGV[5])
  local gone = redis.call('LRANGE', KEYS[1], keep, -1)
  redis.call('LTRIM', KEYS[1], 0, keep - 1)
  if #gone > 0 then
    local shown = {}
    for _, record in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do shown[etag_of(record)] = true end
    local ratio_fields = redis.call('HKEYS', KEYS[3])
    for _, record in ipairs(gone) do
      local at = captured_at(record)
      redis.call('HDEL', KEYS[2], at)
      for _, field in ipairs(ratio_fields) do
        if string.sub(field, 1, #at + 1) == at .. ' ' then redis.call('HDEL', KEYS[3], field) end
      end
      local etag = etag_of(record)
      if not shown[etag] then
        table.insert(dropped, etag)
        shown[etag] = true
      end
    end
  end
end
for index = 1, 3 do redis.call('EXPIRE', KEYS[index], ARGV[6]) end
return { added, dropped }
