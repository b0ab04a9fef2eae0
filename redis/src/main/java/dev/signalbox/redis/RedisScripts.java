package dev.signalbox.redis;

import org.redisson.api.RScript.ReturnType;

/**
 * The Lua scripts behind every cluster hold. Each runs atomically in Redis, so one acquisition,
 * renewal or release is one round trip.
 *
 * <p><b>Data.</b> Times are Redis' own clock ({@code TIME}), never an instance's, so instances with
 * skewed clocks cannot shorten each other's leases. For a name and key ({@link RedisKeys}):
 * <ul>
 * <li>{@code main} of a lock, or of a read-write lock's writer: a hash {@code h} (hold id),
 *     {@code i} (instance), {@code s} (since, instance clock, for display), {@code t} (fencing token),
 *     expiring with the lease ({@code PEXPIRE}); deleted on release;</li>
 * <li>{@code main} of a semaphore, {@code :readers} of a read-write lock: a sorted set of holds
 *     {@code holdId|permits|instance|since}, each scored by the end of its lease; expired holds are
 *     purged before every admission; the key expires with the latest lease;</li>
 * <li>{@code :fence}: the last fencing token; a token is {@code max(last + 1, Redis time in
 *     microseconds)}, so tokens keep growing when this key has expired (idle) or Redis restarted
 *     empty, as long as Redis' clock does not step back further than the idle time;</li>
 * <li>{@code :waiting}: callers waiting in Redis, {@code holdId|instance|since|side} (side {@code x}
 *     lock, {@code s} semaphore, {@code r} read, {@code w} write), scored by when the registration
 *     expires (one lease after the caller's last attempt). A release publishes on the channel only
 *     when this key exists, so an uncontended release sends nothing.</li>
 * </ul>
 * Acquisition scripts return a fencing token, or 1 where there is none, when granted; otherwise
 * {@code -(ms until it is worth trying again) - 1}. Renewals and releases return 1 when the hold was
 * still ours, 0 when it was not (lost).
 */
final class RedisScripts {

    private RedisScripts() {
    }

    private static final String NOW = """
            local t = redis.call('time')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /** Sets {@code token} to the next fencing token; KEYS index of the fence key given as %d. */
    private static final String NEXT_TOKEN = """
            local token = math.max(tonumber(redis.call('get', KEYS[%d]) or '0') + 1, tonumber(t[1]) * 1000000 + tonumber(t[2]))
            redis.call('set', KEYS[%d], string.format('%%d', token), 'PX', lease)
            """;

    /** Registers ARGV[waiter] in KEYS[waiting] unless it is empty (a try-once call). */
    private static final String REGISTER_WAITER = """
            if ARGV[%1$d] ~= '' then
              redis.call('zadd', KEYS[%2$d], now + lease, ARGV[%1$d])
              redis.call('pexpire', KEYS[%2$d], lease)
            end
            """;

    private static final String UNREGISTER_WAITER = """
            if ARGV[%1$d] ~= '' then redis.call('zrem', KEYS[%2$d], ARGV[%1$d]) end
            """;

    /**
     * Lock. KEYS: main, fence, waiting. ARGV: hold id, lease ms, instance, since, waiter ('' for
     * try-once), previous hold id ('' for none), channel.
     *
     * <p>A previous hold id names a hold of this instance whose caller closed it while another
     * caller of this instance was queued: that hold is handed over to this one in the same round
     * trip (new id, new token, new lease) instead of a release and an acquisition, unless a caller
     * of another instance waits in Redis; then it is released, the others are told, and this caller
     * competes with them like everyone else.
     */
    static final LuaScript LOCK_ACQUIRE = new LuaScript(NOW + """
            local lease = tonumber(ARGV[2])
            local holder = redis.call('hget', KEYS[1], 'h')
            if holder and ARGV[6] ~= '' and holder == ARGV[6] then
              for _, m in ipairs(redis.call('zrangebyscore', KEYS[3], '(' .. now, '+inf')) do
                if string.match(m, '^[^|]*|([^|]*)|') ~= ARGV[3] then
                  redis.call('del', KEYS[1])
                  redis.call('publish', ARGV[7], 'released')
            """ + REGISTER_WAITER.formatted(5, 3) + """
                  return -1
                end
              end
              holder = false
            end
            if not holder then
            """ + NEXT_TOKEN.formatted(2, 2) + """
              redis.call('hset', KEYS[1], 'h', ARGV[1], 'i', ARGV[3], 's', ARGV[4], 't', string.format('%d', token))
              redis.call('pexpire', KEYS[1], lease)
            """ + UNREGISTER_WAITER.formatted(5, 3) + """
              return token
            end
            """ + REGISTER_WAITER.formatted(5, 3) + """
            return -math.max(redis.call('pttl', KEYS[1]), 0) - 1
            """, ReturnType.LONG);

    /**
     * Write side of a read-write lock: granted when no writer and no reader holds it.
     * KEYS: main, readers, fence, waiting. ARGV: hold id, lease ms, instance, since, waiter.
     */
    static final LuaScript WRITE_ACQUIRE = new LuaScript(NOW + """
            local lease = tonumber(ARGV[2])
            redis.call('zremrangebyscore', KEYS[2], '-inf', now)
            if redis.call('exists', KEYS[1]) == 0 and redis.call('zcard', KEYS[2]) == 0 then
            """ + NEXT_TOKEN.formatted(3, 3) + """
              redis.call('hset', KEYS[1], 'h', ARGV[1], 'i', ARGV[3], 's', ARGV[4], 't', string.format('%d', token))
              redis.call('pexpire', KEYS[1], lease)
            """ + UNREGISTER_WAITER.formatted(5, 4) + """
              return token
            end
            """ + REGISTER_WAITER.formatted(5, 4) + """
            local wait = redis.call('pttl', KEYS[1])
            local first = redis.call('zrange', KEYS[2], 0, 0, 'WITHSCORES')
            if first[2] then wait = math.max(wait, tonumber(first[2]) - now) end
            return -math.max(wait, 0) - 1
            """, ReturnType.LONG);

    /**
     * Read side of a read-write lock: granted when no writer holds it and no writer waits in Redis
     * (writer preference across instances). KEYS: main, readers, waiting.
     * ARGV: holder entry, lease ms, waiter.
     */
    static final LuaScript READ_ACQUIRE = new LuaScript(NOW + """
            local lease = tonumber(ARGV[2])
            redis.call('zremrangebyscore', KEYS[3], '-inf', now)
            local writerWaits = false
            for _, m in ipairs(redis.call('zrange', KEYS[3], 0, -1)) do
              if string.sub(m, -2) == '|w' then writerWaits = true break end
            end
            if redis.call('exists', KEYS[1]) == 0 and not writerWaits then
              redis.call('zadd', KEYS[2], now + lease, ARGV[1])
              redis.call('pexpire', KEYS[2], lease)
            """ + UNREGISTER_WAITER.formatted(3, 3) + """
              return 1
            end
            """ + REGISTER_WAITER.formatted(3, 3) + """
            local wait = redis.call('pttl', KEYS[1])
            if wait < 0 then wait = lease end
            return -wait - 1
            """, ReturnType.LONG);

    /**
     * Semaphore: granted when the permits held by unexpired holds plus the request fit the capacity.
     * KEYS: main, waiting. ARGV: holder entry, permits, capacity, lease ms, waiter.
     */
    static final LuaScript SEMAPHORE_ACQUIRE = new LuaScript(NOW + """
            local lease = tonumber(ARGV[4])
            redis.call('zremrangebyscore', KEYS[1], '-inf', now)
            local used = 0
            for _, m in ipairs(redis.call('zrange', KEYS[1], 0, -1)) do
              used = used + tonumber(string.match(m, '^[^|]*|(%d+)|'))
            end
            if used + tonumber(ARGV[2]) <= tonumber(ARGV[3]) then
              redis.call('zadd', KEYS[1], now + lease, ARGV[1])
              redis.call('pexpire', KEYS[1], lease)
            """ + UNREGISTER_WAITER.formatted(5, 2) + """
              return 1
            end
            """ + REGISTER_WAITER.formatted(5, 2) + """
            local first = redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')
            local wait = lease
            if first[2] then wait = tonumber(first[2]) - now end
            return -math.max(wait, 0) - 1
            """, ReturnType.LONG);

    /** Renews a lock or writer hold if still ours. KEYS: main. ARGV: hold id, lease ms. */
    static final LuaScript HASH_RENEW = new LuaScript("""
            if redis.call('hget', KEYS[1], 'h') ~= ARGV[1] then return 0 end
            redis.call('pexpire', KEYS[1], ARGV[2])
            return 1
            """, ReturnType.LONG);

    /** Releases a lock or writer hold if still ours. KEYS: main, waiting. ARGV: hold id, channel. */
    static final LuaScript HASH_RELEASE = new LuaScript("""
            if redis.call('hget', KEYS[1], 'h') ~= ARGV[1] then return 0 end
            redis.call('del', KEYS[1])
            if redis.call('exists', KEYS[2]) == 1 then redis.call('publish', ARGV[2], 'released') end
            return 1
            """, ReturnType.LONG);

    /**
     * Renews a semaphore or reader hold if its lease has not ended. KEYS: holders set.
     * ARGV: holder entry, lease ms.
     */
    static final LuaScript SET_RENEW = new LuaScript(NOW + """
            local ends = redis.call('zscore', KEYS[1], ARGV[1])
            if not ends or tonumber(ends) <= now then
              redis.call('zrem', KEYS[1], ARGV[1])
              return 0
            end
            redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('pexpire', KEYS[1], ARGV[2])
            return 1
            """, ReturnType.LONG);

    /** Releases a semaphore or reader hold. KEYS: holders set, waiting. ARGV: holder entry, channel. */
    static final LuaScript SET_RELEASE = new LuaScript("""
            if redis.call('zrem', KEYS[1], ARGV[1]) == 0 then return 0 end
            if redis.call('exists', KEYS[2]) == 1 then redis.call('publish', ARGV[2], 'released') end
            return 1
            """, ReturnType.LONG);

    /** Withdraws a waiter that gave up. KEYS: waiting. ARGV: waiter. */
    static final LuaScript WAITER_REMOVE = new LuaScript("""
            return redis.call('zrem', KEYS[1], ARGV[1])
            """, ReturnType.LONG);

    /**
     * Who holds and waits, as a flat list of {@code role, instance, since, permits}.
     * KEYS: main (a lock hash or a holder set), readers (may not exist), waiting.
     */
    static final LuaScript MEMBERS = new LuaScript(NOW + """
            local out = {}
            local function holders(key)
              for _, m in ipairs(redis.call('zrangebyscore', key, '(' .. now, '+inf')) do
                local id, permits, instance, since = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
                table.insert(out, 'holder') table.insert(out, instance) table.insert(out, since) table.insert(out, permits)
              end
            end
            local kind = redis.call('type', KEYS[1])['ok']
            if kind == 'hash' then
              local h = redis.call('hmget', KEYS[1], 'i', 's')
              if h[1] then
                table.insert(out, 'holder') table.insert(out, h[1]) table.insert(out, h[2]) table.insert(out, '1')
              end
            elseif kind == 'zset' then
              holders(KEYS[1])
            end
            holders(KEYS[2])
            for _, m in ipairs(redis.call('zrangebyscore', KEYS[3], '(' .. now, '+inf')) do
              local id, instance, since = string.match(m, '^([^|]*)|([^|]*)|([^|]*)|')
              table.insert(out, 'waiter') table.insert(out, instance) table.insert(out, since) table.insert(out, '1')
            end
            return out
            """, ReturnType.LIST);
}
