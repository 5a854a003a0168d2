-- Adds an hour's figures to the statistics: one call per hourly bucket flushed.
--
-- KEYS[1] counters: name -> count, all time (hash)
-- KEYS[2] the hour's bucket: name -> count (hash)
-- KEYS[3] histograms: field -> count (hash)
-- KEYS[4] recent purges: JSON records, newest first (list)
--
-- ARGV[1] seconds to keep the hour's bucket
-- ARGV[2] how many purges to keep
-- ARGV[3] the number of counter pairs that follow
-- ARGV[4] the number of histogram pairs that follow
-- ARGV[5...] the counters' name/delta pairs, then the histograms' field/delta pairs, then the
--            purge records (JSON), oldest first
--
-- Returns 1.
local counters = tonumber(ARGV[3])
local histograms = tonumber(ARGV[4])
local first = 5
for i = first, first + 2 * counters - 1, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
end
if counters > 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
first = first + 2 * counters
for i = first, first + 2 * histograms - 1, 2 do
  redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1])
end
first = first + 2 * histograms
if first <= #ARGV then
  redis.call('LPUSH', KEYS[4], unpack(ARGV, first))
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[2]) - 1)
end
return 1
