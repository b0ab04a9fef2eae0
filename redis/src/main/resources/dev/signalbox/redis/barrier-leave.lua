-- Barrier withdrawal of one party (sent with barrier-decide.lua before it).
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel, [2]: the lease in ms, [3]: epoch, [4]: seq of the party's
-- generation, [5]: the party's arrival number (barrier-arrive.lua), [6]: this instance's id.
-- Parameter ${VERDICTS_KEPT}: as in barrier-decide.lua.
-- While the generation is open, takes the party out: 'arrived' drops by one, its arrival number joins 'left'
-- (so the release can hand out indices without a gap), and the instance's 'a:'/'c:' fields go with its last
-- party. Redis runs scripts one at a time, so this and the arrival that would complete the generation are
-- ordered: whichever runs first decides. Returns 'W' (withdrawn), else the generation's verdict ('R ...',
-- 'B reason', 'A reason') or 'L' when the hash no longer knows it.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch ~= ARGV[3] then return 'L' end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local mine = tonumber(ARGV[4])
if mine == seq then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  local arrived = tonumber(redis.call('HGET', KEYS[1], 'arrived')) - 1
  if arrived <= 0 then
    -- Nobody left in it: the next arrival numbers from 0 again.
    redis.call('HSET', KEYS[1], 'arrived', 0)
    redis.call('HDEL', KEYS[1], 'n', 'left')
  else
    local left = redis.call('HGET', KEYS[1], 'left')
    if left then left = left .. ' ' .. ARGV[5] else left = ARGV[5] end
    redis.call('HSET', KEYS[1], 'arrived', arrived, 'left', left)
  end
  if redis.call('HINCRBY', KEYS[1], 'c:' .. ARGV[6], -1) <= 0 then
    redis.call('HDEL', KEYS[1], 'a:' .. ARGV[6], 'c:' .. ARGV[6])
  end
  return 'W'
end
local v = redis.call('HGET', KEYS[1], 'v' .. (mine % ${VERDICTS_KEPT}))
if v then
  local space = string.find(v, ' ', 1, true)
  if tonumber(string.sub(v, 1, space - 1)) == mine then return string.sub(v, space + 1) end
end
return 'L'
