-- Notes a public URL that answered with a variant, keeps only the newest ones, and keeps the set
-- at least as long as the entry it names.
--
-- KEYS[1] the URL's public URLs: <variant key> <public URL> by when noted (sorted set)
--
-- ARGV[1] the member to note: <variant key> <public URL>
-- ARGV[2] now (epoch ms)
-- ARGV[3] how many to keep
-- ARGV[4] seconds to keep the set at least
--
-- Returns 1.
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
return 1
