-- Notes a render in the histories, in one step for every instance: the variant's latest renders,
-- and the URL's intervals between renders of a variant and its counts of renders and changes.
-- It mirrors core's observe() and intervalClosedBy(), which the memory store uses.
--
-- KEYS[1] the variant's renders: <at> <changed at> <etag>, newest first (list)
-- KEYS[2] the URL's history: 'renders' and 'changes' (hash)
-- KEYS[3] the URL's intervals: <seconds> <changed: 0|1> <at of the render that closed it>,
--         newest first (list; intervals noted before the third field was kept lack it)
--
-- ARGV[1] the render's ETag
-- ARGV[2] when it finished (epoch ms)
-- ARGV[3] how many renders of a variant to keep
-- ARGV[4] how many intervals of a URL to keep
-- ARGV[5] seconds to keep the histories after this render
--
-- Returns { the variant's renders, the URL's intervals }.
local etag, at = ARGV[1], ARGV[2]
local changed_at = at
local previous = redis.call('LINDEX', KEYS[1], 0)
if previous then
  local previous_at, previous_changed_at, previous_etag = string.match(previous, '^(%S+) (%S+) (.+)$')
  local changed = 1
  if previous_etag == etag then
    changed_at = previous_changed_at
    changed = 0
  end
  local seconds = math.max(0, (tonumber(at) - tonumber(previous_at)) / 1000)
  redis.call('LPUSH', KEYS[3], tostring(seconds) .. ' ' .. changed .. ' ' .. at)
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
  redis.call('HINCRBY', KEYS[2], 'changes', changed)
end
redis.call('LPUSH', KEYS[1], at .. ' ' .. changed_at .. ' ' .. etag)
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
redis.call('HINCRBY', KEYS[2], 'renders', 1)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return { redis.call('LRANGE', KEYS[1], 0, -1), redis.call('LRANGE', KEYS[3], 0, -1) }
