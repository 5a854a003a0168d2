-- Storage accounting: how many entries the store holds and their bytes, for the statistics.
-- 'entries' is a sorted set of entry keys by when they leave the store (epoch ms); 'sizes' a hash
-- of entry key -> image bytes, with their sum under '__total'. Redis expires entries on its own,
-- without telling anyone, so expired ones are pruned from the accounting as time passes.

-- Most expired entries one call prunes, so that no script runs unbounded.
local PRUNE_LIMIT = 200

-- forget(entries, sizes, key): takes one entry out of the accounting.
local function forget(entries, sizes, key)
  local size = redis.call('HGET', sizes, key)
  if size then
    redis.call('HINCRBY', sizes, '__total', -tonumber(size))
    redis.call('HDEL', sizes, key)
  end
  redis.call('ZREM', entries, key)
end

-- prune(entries, sizes, now): forgets entries that left the store by 'now' (epoch ms).
local function prune(entries, sizes, now)
  local gone = redis.call('ZRANGEBYSCORE', entries, '-inf', now, 'LIMIT', 0, PRUNE_LIMIT)
  for _, key in ipairs(gone) do forget(entries, sizes, key) end
end
