-- Reads a variant's versions in one step: the list, their boxes and their ratios.
--
-- KEYS[1] the variant's versions (list, newest first)
-- KEYS[2] hash of boxes by capture time
-- KEYS[3] hash of ratios by capture time and mask signature
--
-- No ARGV.
--
-- Returns { the list, the boxes hash as a flat list, the ratios hash as a flat list }.
return {
  redis.call('LRANGE', KEYS[1], 0, -1),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[3]),
}
