-- Barrier give-up or check of one generation (sent with barrier-decide.lua before it).
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel, [2]: the lease in ms, [3]: epoch, [4]: seq,
-- [5]: 'break' or 'check', [6]: the reason to break with, [7]: this instance's id.
-- Parameter ${VERDICTS_KEPT}: as in barrier-decide.lua.
-- Returns the generation's verdict ('R', 'B reason'), 'L' when the hash no longer knows it, or 'O' when it
-- is open and only checked (which renews the TTL and this instance's arrival while it has parties counted in
-- the generation, and breaks the generation if another instance's arrival lapsed).
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch ~= ARGV[3] then return 'L' end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local mine = tonumber(ARGV[4])
if mine == seq then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  local verdict
  if ARGV[5] == 'break' then
    verdict = 'B ' .. ARGV[6]
  else
    local now = now_ms()
    -- Not after its parties withdrew (barrier-leave.lua): a renewal then would outlive them and lapse.
    if redis.call('HEXISTS', KEYS[1], 'c:' .. ARGV[7]) == 1 then
      redis.call('HSET', KEYS[1], 'a:' .. ARGV[7], now + tonumber(ARGV[2]))
    end
    verdict = lapsed(now)
    if not verdict then return 'O' end
  end
  decide(epoch, seq, verdict)
  return verdict
end
local v = redis.call('HGET', KEYS[1], 'v' .. (mine % ${VERDICTS_KEPT}))
if v then
  local space = string.find(v, ' ', 1, true)
  if tonumber(string.sub(v, 1, space - 1)) == mine then return string.sub(v, space + 1) end
end
return 'L'
