-- Barrier arrival (sent with barrier-decide.lua before it).
-- KEYS[1]: the barrier's hash. ARGV[1]: the channel, [2]: the lease in ms, [3]: parties, [4]: a fresh
-- epoch, [5]: '1' for a zero timeout, [6]: the reason a zero timeout breaks with, [7]: this instance's id.
-- Creates the hash if missing. An open generation with a party of a lapsed instance is broken first, so
-- the arrival starts a fresh one.
-- Returns {status, generation id 'epoch:seq', index}: status W(aiting), R(eleased by this arrival),
-- B(roken by this zero-timeout arrival), P (parties differ: index is Redis' parties), or A (the barrier is
-- broken by an abort, see barrier-abort.lua: index is the abort's reason); index is the number of parties
-- that arrived before this one.
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
if arrived + 1 >= parties then
  status = 'R'
  decide(epoch, seq, 'R')
elseif ARGV[5] == '1' then
  status = 'B'
  decide(epoch, seq, 'B ' .. ARGV[6])
else
  redis.call('HSET', KEYS[1], 'arrived', arrived + 1, 'a:' .. ARGV[7], now + tonumber(ARGV[2]))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {status, epoch .. ':' .. seq, tostring(arrived)}
