-- Barrier abort (sent with barrier-decide.lua before it).
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel, [2]: the lease in ms, [3]: the reason.
-- Breaks the current generation if anyone waits in it. Returns 1 if it did, 0 otherwise.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch or tonumber(redis.call('HGET', KEYS[1], 'arrived')) == 0 then return 0 end
decide(epoch, tonumber(redis.call('HGET', KEYS[1], 'seq')), 'B ' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
