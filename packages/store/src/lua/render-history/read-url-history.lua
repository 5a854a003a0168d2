-- Reads a URL's history of renders, for the statistics' most requested URLs.
--
-- KEYS[1] the URL's history: 'renders' and 'changes' (hash)
-- KEYS[2] the URL's intervals: <seconds> <changed: 0|1>, newest first (list)
--
-- ARGV none
--
-- Returns { renders, changes, intervals }.
local counts = redis.call('HMGET', KEYS[1], 'renders', 'changes')
return { counts[1] or '0', counts[2] or '0', redis.call('LRANGE', KEYS[2], 0, -1) }
