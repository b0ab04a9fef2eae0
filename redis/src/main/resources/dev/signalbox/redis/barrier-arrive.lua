-- Barrier arrival (sent with barrier-decide.lua before it).
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel, [2]: the lease in ms, [3]: parties, [4]: a fresh
-- epoch, [5]: '1' for a zero timeout that breaks on give-up, '2' for one that withdraws, else '0', [6]: the
-- reason a zero timeout breaks with, [7]: this instance's id.
-- Creates the hash if missing. An open generation with a party of a lapsed instance is broken first, so
-- the arrival starts a fresh one.
-- Returns {status, generation id 'epoch:seq', index}: status W(aiting), R(eleased by this arrival),
-- B(roken by this zero-timeout arrival), T (a zero-timeout arrival that withdraws: not counted, nothing
-- changed), P (parties differ: index is Redis' parties), or A (the barrier is broken by an abort, see
-- barrier-abort.lua: index is the abort's reason). For W, index is the arrival number ('n', see
-- barrier-decide.lua), which the party turns into its index at the release; for R, it is parties - 1.
-- A release's verdict is 'R' followed by the generation's withdrawn arrival numbers ('left'), if any.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[4]
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0, 'arrived', 0, 'parties', ARGV[3])
end
local parties = tonumber(redis.call('HGET', KEYS[1], 'parties'))
if not parties then
  parties = tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'parties', parties)
end
if parties ~= tonumber(ARGV[3]) then return {'P', '', tostring(parties)} end
local broken = redis.call('HGET', KEYS[1], 'broken')
if broken then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'A', '', broken}
end
local now = now_ms()
local dead = lapsed(now)
if dead then decide(epoch, tonumber(redis.call('HGET', KEYS[1], 'seq')), dead) end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local arrived = tonumber(redis.call('HGET', KEYS[1], 'arrived'))
local status = 'W'
local at = arrived
if arrived + 1 >= parties then
  status = 'R'
  local left = redis.call('HGET', KEYS[1], 'left')
  if left then decide(epoch, seq, 'R ' .. left) else decide(epoch, seq, 'R') end
elseif ARGV[5] == '1' then
  status = 'B'
  decide(epoch, seq, 'B ' .. ARGV[6])
elseif ARGV[5] == '2' then
  status = 'T'
else
  at = tonumber(redis.call('HGET', KEYS[1], 'n') or arrived)
  redis.call('HSET', KEYS[1], 'arrived', arrived + 1, 'n', at + 1, 'a:' .. ARGV[7], now + tonumber(ARGV[2]))
  redis.call('HINCRBY', KEYS[1], 'c:' .. ARGV[7], 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {status, epoch .. ':' .. seq, tostring(at)}
