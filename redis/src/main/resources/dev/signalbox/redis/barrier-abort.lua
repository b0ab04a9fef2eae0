-- Barrier abort (sent with barrier-decide.lua before it).
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel, [2]: the lease in ms, [3]: the reason, [4]: a fresh epoch.
-- Leaves the barrier broken: field 'broken' holds the reason until barrier-reset.lua deletes it (it shares the
-- hash's TTL), and every arrival meanwhile fails (barrier-arrive.lua). Breaks the current generation with the
-- verdict 'A reason' if anyone waits in it. Returns 1 if it broke a generation, 0 otherwise.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[4]
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0, 'arrived', 0)
end
local broke = 0
if not redis.call('HGET', KEYS[1], 'broken') and tonumber(redis.call('HGET', KEYS[1], 'arrived')) > 0 then
  decide(epoch, tonumber(redis.call('HGET', KEYS[1], 'seq')), 'A ' .. ARGV[3])
  broke = 1
end
if not redis.call('HGET', KEYS[1], 'broken') then redis.call('HSET', KEYS[1], 'broken', ARGV[3]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return broke
