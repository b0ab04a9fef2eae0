-- Barrier reset (sent with barrier-decide.lua before it).
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel, [2]: the lease in ms, [3]: the reason.
-- Clears the broken state ('broken', set by barrier-abort.lua) and breaks the current generation with
-- 'B reason' if anyone waits in it, so the next arrival starts a fresh one. Returns 1 if it broke a
-- generation, 0 otherwise.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then return 0 end
redis.call('HDEL', KEYS[1], 'broken')
local broke = 0
if tonumber(redis.call('HGET', KEYS[1], 'arrived')) > 0 then
  decide(epoch, tonumber(redis.call('HGET', KEYS[1], 'seq')), 'B ' .. ARGV[3])
  broke = 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return broke
