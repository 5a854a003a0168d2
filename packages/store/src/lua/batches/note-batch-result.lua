-- Notes the result of one capture of a batch that is still kept, for as long as the batch is.
--
-- KEYS[1] the batch's definition (string)
-- KEYS[2] the batch's results: capture index -> result (JSON) (hash)
--
-- ARGV[1] capture index
-- ARGV[2] result (JSON)
local left = redis.call('TTL', KEYS[1])
if left <= 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], left)
return 1
