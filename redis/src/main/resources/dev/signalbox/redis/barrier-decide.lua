-- Barrier: shared start of barrier-arrive.lua, barrier-settle.lua, barrier-leave.lua, barrier-abort.lua and
-- barrier-reset.lua (RedisScripts
-- prepends it to each; it is never sent alone). Defines local functions only, returns nothing.
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel verdicts are published on, ARGV[2]: the lease in ms.
-- Parameter ${VERDICTS_KEPT}: how many generations' verdicts the hash keeps (RedisScripts fills it in).
-- An instance with parties in the open generation keeps a field 'a:<instance id>' with the Redis time (ms)
-- until which it counts as alive: set on arrival, renewed by its checks every third of a lease, cleared
-- when the generation is decided, and a field 'c:<instance id>' with how many of its parties are counted in it
-- (a withdrawal, barrier-leave.lua, deletes both when it takes out the instance's last one).
-- The open generation also keeps 'n', the arrival number its next arrival gets (arrivals counted so far,
-- including withdrawn ones), and 'left', the arrival numbers of its withdrawn parties, space-separated.
--   decide(epoch, seq, verdict): records the verdict as 'v<seq mod VERDICTS_KEPT>', clears the 'a:', 'c:',
--     'n' and 'left' fields,
--     starts generation seq + 1 and publishes 'epoch:seq verdict' on ARGV[1].
--   now_ms(): the Redis time in ms.
--   lapsed(now): a 'B reason' verdict naming an instance whose arrival has lapsed (its parties are gone),
--     or nil.
local function decide(epoch, seq, verdict)
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    local prefix = string.sub(field, 1, 2)
    if prefix == 'a:' or prefix == 'c:' then redis.call('HDEL', KEYS[1], field) end
  end
  redis.call('HDEL', KEYS[1], 'n', 'left')
  redis.call('HSET', KEYS[1], 'v' .. (seq % ${VERDICTS_KEPT}), seq .. ' ' .. verdict, 'seq', seq + 1, 'arrived', 0)
  redis.call('PUBLISH', ARGV[1], epoch .. ':' .. seq .. ' ' .. verdict)
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function lapsed(now)
  local fields = redis.call('HGETALL', KEYS[1])
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 2) == 'a:' and tonumber(fields[i + 1]) < now then
      return "B a party's instance '" .. string.sub(fields[i], 3) .. "' stopped renewing its arrival for"
        .. " longer than the lease (" .. ARGV[2] .. "ms): its process died, stalled, or lost Redis"
    end
  end
  return nil
end
