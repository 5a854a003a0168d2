-- mark_purged(key, at, seconds): records that a URL was purged at 'at' (epoch ms), for 'seconds',
-- unless a later purge is already recorded. Renders that began before the recorded time may not
-- store their image: it predates the purge.
local function mark_purged(key, at, seconds)
  local previous = redis.call('GET', key)
  if not previous or tonumber(previous) < tonumber(at) then
    redis.call('SET', key, at, 'EX', seconds)
  end
end
