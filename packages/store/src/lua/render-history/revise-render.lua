-- Counts a render as no change after all (its image changed less than its capture's threshold):
-- in the variant's renders it keeps the time of change of the render before it, and the URL's
-- interval it closed, and its count of changes, lose the change. It mirrors the memory store's
-- reviseRender.
--
-- KEYS[1] the variant's renders: <at> <changed at> <etag>, newest first (list)
-- KEYS[2] the URL's history: 'renders' and 'changes' (hash)
-- KEYS[3] the URL's intervals: <seconds> <changed: 0|1> <at>, newest first (list)
--
-- ARGV[1] when the render finished (epoch ms), as noted
--
-- Returns the render's time of change now, or false when it is not kept or was no change.
local at = ARGV[1]
local renders = redis.call('LRANGE', KEYS[1], 0, -1)
for index, record in ipairs(renders) do
  local record_at, changed_at, etag = string.match(record, '^(%S+) (%S+) (.+)$')
  if record_at == at then
    local before = renders[index + 1]
    if changed_at ~= at or not before then return false end
    local _, before_changed_at = string.match(before, '^(%S+) (%S+) ')
    redis.call('LSET', KEYS[1], index - 1, at .. ' ' .. before_changed_at .. ' ' .. etag)
    for position, interval in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
      local seconds, changed, closed_at = string.match(interval, '^(%S+) (%S+) (%S+)$')
      if closed_at == at and changed == '1' then
        redis.call('LSET', KEYS[3], position - 1, seconds .. ' 0 ' .. at)
        redis.call('HINCRBY', KEYS[2], 'changes', -1)
        break
      end
    end
    return before_changed_at
  end
end
return false
