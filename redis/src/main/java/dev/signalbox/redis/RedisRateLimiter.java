package dev.signalbox.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Durations;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimitExceededException;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.Snapshot;

/**
 * A {@link RateLimiter} shared by every instance that talks to the same Redis: one token bucket of
 * {@code limit} tokens refilled at {@code limit} per {@code per}, kept in Redis and changed only by
 * atomic scripts. So over any window of length {@code T}, the calls admitted on all instances together
 * take at most {@code limit + T * limit / per} tokens: the local limiter's bound, cluster-wide.
 *
 * <p><b>Ordering:</b> FIFO across the cluster, in the order Redis runs the calls' scripts. A waiting
 * call reserves its tokens in Redis at once, so no later call on any instance, not even
 * {@link #tryAcquire()}, takes tokens owed to it. <b>Timeouts:</b> decided at arrival, in Redis: a call
 * whose tokens would not be free within its timeout fails at once with
 * {@link RateLimitExceededException}, whose retry-after is the bucket's own answer; an accepted call
 * waits on its instance, without asking Redis again, and is granted by its timeout plus the one round
 * trip that reserved it. <b>Cancellation:</b> an interrupted blocking wait or a cancelled async one
 * gives its reservation back (one more script, run only if the reservation is not yet due in Redis'
 * clock); the tokens go to later arrivals, while waiters already queued keep their due times (unlike
 * the local limiter, which moves them up). <b>Memory:</b> calls are serialized by Redis, so whatever a
 * caller did before its script ran precedes, in Redis' order, every later admission.
 *
 * <p><b>Redis unreachable:</b> every call waits for Redis at most its own timeout (a call with a zero
 * timeout, and the queries, at most {@link RedisRoundTrip#UNTIMED_BOUND}) and then fails with
 * {@link GuardUnavailableException}, having taken nothing. With {@code settings.localFallback()} it
 * waits for Redis at most {@link RedisRoundTrip#UNTIMED_BOUND} and is then served by a local bucket of
 * the same shape (limiting this instance only), logged once; calls keep going to the local bucket for
 * {@link LocalFallbackSwitch#RETRY_REDIS_AFTER} after each failure, then try Redis again.
 * <b>Limits:</b> time is Redis' clock ({@code TIME}), so instances' clocks do not matter; but a Redis
 * restart without persistence, or a failover to a replica that missed the last writes, forgets the
 * bucket: it starts full, so up to one extra bucket of calls can be admitted around such an event.
 * Needs Redis 5 or newer (scripts that read {@code TIME} before writing).
 *
 * <p><b>Redis state:</b> one hash at {@code keyPrefix + name} ({@code + ":" + key} when keyed) with the
 * tokens and the time they were counted. A full bucket is the same as no hash at all, so the hash is
 * deleted when the bucket is full and otherwise expires when it would be full again: an idle key leaves
 * nothing behind, within one {@code per} of its last call.
 *
 * <h2>Algorithm</h2>
 * The same exact integer arithmetic as the local limiter, in microseconds of Redis time: one token is
 * {@code tokenTicks} ticks and the bucket gains {@code ticksPerMicro} ticks per microsecond
 * ({@code per / limit} reduced by their greatest common divisor), so there is no rounding drift. The
 * take script refills the bucket to now (capped at a full bucket), computes the wait for the tokens
 * asked for, and, if that wait is within the caller's timeout, subtracts them, going into debt when
 * they are not there yet (Guava's reservation model). The debt is the queue: the wait of a call is the
 * time the refill takes to pay everything reserved before it, plus its own tokens. While the bucket is
 * in debt it is below the cap, so nothing is clipped and it behaves exactly as if each reservation had
 * taken its tokens at its due time. A refund before the due time restores the state the bucket would
 * have had without the reservation; after it, the tokens are spent and the refund does nothing.
 *
 * <p>So waiting needs no polling and no local queue in front of Redis: every call costs one script
 * whether or not others wait (two if it withdraws), and then sleeps on its own instance until its due
 * time; no wake-up is ever broadcast. Each script touches one key, so it also runs on Redis Cluster.
 *
 * <p>Not Redisson's {@code RRateLimiter}: that is a sliding log of grants (at most {@code rate} permits
 * in any {@code interval}, each permit freed one interval after it was taken), timed by each client's
 * own clock, with no public way to ask how long until a permit frees (which {@code Retry-After} needs),
 * one sorted-set entry per grant, and a configuration hash whose expiry makes the next call fail until
 * it is set again. This bucket takes one hash, one script per call, and Redis' clock.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

    /** Largest integer a Lua number (a double) holds exactly. */
    private static final long LUA_EXACT = 1L << 53;

    /**
     * Shared start of the scripts. ARGV: permits, tokenTicks, ticksPerMicro, capacityTicks. Sets
     * {@code tokens} (refilled to now, capped) and {@code at} (the time they were counted), and
     * {@code exists}; {@code store()} writes them back with the TTL of "full again".
     */
    private static final String PRELUDE = """
            local need = tonumber(ARGV[1]) * tonumber(ARGV[2])
            local rate = tonumber(ARGV[3])
            local cap = tonumber(ARGV[4])
            local function ceildiv(a, b)
              local q = math.floor(a / b)
              if q * b < a then q = q + 1 end
              if q > 0 and (q - 1) * b >= a then q = q - 1 end
              return q
            end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
            local tokens, at = cap, now
            local state = redis.call('HMGET', KEYS[1], 't', 'at')
            local exists = state[1] ~= false
            if exists then
              tokens = tonumber(state[1])
              at = tonumber(state[2])
              if now > at then
                tokens = math.min(cap, tokens + (now - at) * rate)
                at = now
              end
            end
            local function store()
              if tokens >= cap then
                redis.call('DEL', KEYS[1])
                return
              end
              redis.call('HSET', KEYS[1], 't', string.format('%.0f', tokens), 'at', string.format('%.0f', at))
              local fullInMicros = at + ceildiv(cap - tokens, rate) - now
              redis.call('PEXPIRE', KEYS[1], string.format('%.0f', ceildiv(fullInMicros, 1000) + 1))
            end
            """;

    /** ARGV[5]: the longest wait the caller accepts, in microseconds. Returns {taken 0/1, wait µs, due at (Redis µs)}. */
    private static final String TAKE = PRELUDE + """
            local wait = 0
            if tokens < need then wait = ceildiv(need - tokens, rate) end
            if wait > tonumber(ARGV[5]) then return {0, wait, 0} end
            tokens = tokens - need
            store()
            return {1, wait, at + wait}
            """;

    /** ARGV[5]: the reservation's due time (Redis µs). Gives the tokens back if it is not due yet. Returns 1 if given back. */
    private static final String REFUND = PRELUDE + """
            if not exists or now >= tonumber(ARGV[5]) then return 0 end
            tokens = math.min(cap, tokens + need)
            store()
            return 1
            """;

    /** Returns the tokens now (ticks; negative while in debt), changing nothing. */
    private static final String PEEK = PRELUDE + """
            return tokens
            """;

    private final RScript script;
    private final String name;
    private final String key;
    private final String redisKey;
    private final String subject;
    private final int limit;
    private final Duration per;
    private final long tokenTicks;
    private final long ticksPerMicro;
    private final long capacityTicks;
    private final PrimitiveListener listener;
    private final boolean instrumented;
    private final LocalFallbackSwitch<RateLimiter> fallback;
    /** Callers of this instance waiting for their reservation's due time. */
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param client   the Redis connection
     * @param settings key prefix and what to do when Redis is unreachable
     * @param name     the limiter's name (the Redis key is {@code keyPrefix + name})
     * @param key      the bucket's key within the name, or {@code null} for the one unkeyed bucket
     * @param limit    tokens per {@code per}: the bucket's capacity
     * @param per      the time the bucket takes to refill from empty
     * @param listener told of every arrival and of how each wait ended
     */
    public RedisRateLimiter(RedissonClient client, RedisClusterSettings settings, String name, String key, int limit,
            Duration per, PrimitiveListener listener) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(settings, "settings");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a primitive needs a non-blank name (it names its metrics, log lines and Redis keys)");
        }
        this.name = name;
        this.key = key;
        this.subject = "rate limit '" + name + "'" + (key == null ? "" : " (key " + key + ")") + " (cluster)";
        if (limit < 1) {
            throw new IllegalArgumentException(subject + ": limit must be at least 1 token per period, was " + limit);
        }
        long perMicros = perMicros(per);
        long gcd = gcd(limit, perMicros);
        this.limit = limit;
        this.per = per;
        this.tokenTicks = perMicros / gcd;
        this.ticksPerMicro = limit / gcd;
        if (Math.multiplyHigh(limit, tokenTicks) != 0 || limit * tokenTicks > LUA_EXACT) {
            throw new IllegalArgumentException(subject + ": " + limit + " per " + per + " cannot be counted exactly in Redis"
                    + " (limit * per in microseconds, reduced, must stay below 2^53); use a rounder limit or a shorter period");
        }
        this.capacityTicks = limit * tokenTicks;
        this.redisKey = settings.keyPrefix() + name + (key == null ? "" : ":" + key);
        this.script = client.getScript(StringCodec.INSTANCE);
        this.listener = listener == null ? PrimitiveListener.NONE : listener;
        this.instrumented = this.listener != PrimitiveListener.NONE;
        this.fallback = new LocalFallbackSwitch<>(settings, redisKey, subject, this, this.listener,
                local -> RateLimiter.create(name, limit, per, local));
    }

    private long perMicros(Duration per) {
        if (per == null || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException(subject + ": per must be a positive duration (such as 1s), was " + per);
        }
        if (per.getNano() % 1000 != 0) {
            throw new IllegalArgumentException(subject + ": per " + per + " must be whole microseconds (Redis counts in microseconds)");
        }
        try {
            return Math.addExact(Math.multiplyExact(per.getSeconds(), 1_000_000L), per.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(subject + ": per " + per + " is too long; use at most 292,000 years", e);
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Scope scope() {
        return Scope.CLUSTER;
    }

    /** The bucket's key within its name, or {@code null} for the unkeyed bucket. */
    public String key() {
        return key;
    }

    @Override
    public int limit() {
        return limit;
    }

    @Override
    public Duration per() {
        return per;
    }

    // ---------------------------------------------------------------- acquisition

    @Override
    public boolean tryAcquire(int permits) {
        checkPermits(permits);
        long arrivedAt = arrive();
        if (fallback.active()) {
            return fallback.local().tryAcquire(permits);
        }
        CompletionStage<List<Object>> call = take(permits, 0L);
        Reply reply;
        try {
            reply = Reply.of(RedisRoundTrip.await(call, RedisRoundTrip.boundFor(0L), name, subject, takingWhat(permits)));
        } catch (GuardUnavailableException e) {
            if (fallback.enabled()) {
                fallback.redisFailed(e);
                return fallback.local().tryAcquire(permits);
            }
            waitEnded(arrivedAt, Outcome.TIMEOUT);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waitEnded(arrivedAt, Outcome.INTERRUPTED);
            return false;
        }
        fallback.redisAnswered();
        waitEnded(arrivedAt, reply.taken ? Outcome.ACQUIRED : Outcome.REJECTED);
        return reply.taken;
    }

    @Override
    public void acquire(int permits, Duration timeout) throws InterruptedException {
        long timeoutNanos = RedisRoundTrip.nanos(timeout);
        checkPermits(permits);
        long arrivedAt = arrive();
        long deadline = RedisRoundTrip.deadline(System.nanoTime(), timeoutNanos);
        if (fallback.active()) {
            fallback.local().acquire(permits, timeout);
            return;
        }
        CompletionStage<List<Object>> call = take(permits, timeoutNanos);
        Reply reply;
        try {
            reply = Reply.of(RedisRoundTrip.await(call, fallback.roundTripBound(timeoutNanos), name, subject, takingWhat(permits)));
        } catch (GuardUnavailableException e) {
            refundWhenAnswered(call, permits);
            if (fallback.enabled()) {
                fallback.redisFailed(e);
                fallback.local().acquire(permits, remainingTimeout(deadline));
                return;
            }
            waitEnded(arrivedAt, Outcome.TIMEOUT);
            throw e;
        } catch (InterruptedException e) {
            refundWhenAnswered(call, permits);
            waitEnded(arrivedAt, Outcome.INTERRUPTED);
            throw e;
        }
        long answeredAt = System.nanoTime();
        fallback.redisAnswered();
        if (!reply.taken) {
            waitEnded(arrivedAt, Outcome.REJECTED);
            throw new RateLimitExceededException(name, reply.waitTime());
        }
        if (reply.waitMicros > 0L) {
            awaitDue(reply, permits, answeredAt + reply.waitTime().toNanos(), arrivedAt);
        }
        waitEnded(arrivedAt, Outcome.ACQUIRED);
    }

    /**
     * Parks until the reservation is due. Due is counted from the reply, so never before Redis' due
     * time; an interrupt before it gives the reservation back.
     */
    private void awaitDue(Reply reply, int permits, long dueAt, long arrivedAt) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            long left;
            while ((left = dueAt - System.nanoTime()) > 0L) {
                if (Thread.interrupted()) {
                    refund(permits, reply.dueMicros);
                    waitEnded(arrivedAt, Outcome.INTERRUPTED);
                    throw new InterruptedException();
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    @Override
    public CompletableFuture<Void> acquireAsync(int permits, Duration timeout) {
        long timeoutNanos = RedisRoundTrip.nanos(timeout);
        checkPermits(permits);
        long arrivedAt = arrive();
        long deadline = RedisRoundTrip.deadline(System.nanoTime(), timeoutNanos);
        if (fallback.active()) {
            return fallback.local().acquireAsync(permits, timeout);
        }
        CompletionStage<List<Object>> call = take(permits, timeoutNanos);
        TokenFuture result = new TokenFuture(permits, arrivedAt);
        RedisRoundTrip.async(call, fallback.roundTripBound(timeoutNanos), name, subject, takingWhat(permits))
                .whenComplete((raw, error) -> result.answered(raw, error, call, deadline));
        return result;
    }

    // ---------------------------------------------------------------- queries

    @Override
    public Duration timeUntilAvailable(int permits) {
        checkPermits(permits);
        if (fallback.active()) {
            return fallback.local().timeUntilAvailable(permits);
        }
        Long tokens = peek();
        if (tokens == null) {
            return fallback.local().timeUntilAvailable(permits);
        }
        long owed = permits * tokenTicks - tokens;
        return owed <= 0L ? Duration.ZERO : Duration.ofNanos(Math.ceilDiv(owed, ticksPerMicro) * 1000L);
    }

    @Override
    public int availableTokens() {
        if (fallback.active()) {
            return fallback.local().availableTokens();
        }
        Long tokens = peek();
        if (tokens == null) {
            return fallback.local().availableTokens();
        }
        return tokens <= 0L ? 0 : (int) Math.min(limit, tokens / tokenTicks);
    }

    /** The tokens in the cluster bucket (ticks), or null when Redis failed and the fallback is on. */
    private Long peek() {
        try {
            Object tokens = RedisRoundTrip.await(script.evalAsync(redisKey, RScript.Mode.READ_WRITE, PEEK, RScript.ReturnType.LONG,
                    List.of(redisKey), args(1, 0L)), RedisRoundTrip.boundFor(0L), name, subject, "reading the bucket");
            fallback.redisAnswered();
            return ((Number) tokens).longValue();
        } catch (GuardUnavailableException e) {
            if (fallback.enabled()) {
                fallback.redisFailed(e);
                return null;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardUnavailableException(name, subject + ": interrupted while reading the bucket from Redis", e);
        }
    }

    /**
     * True when no caller of this instance waits. The bucket itself lives in Redis (and expires there
     * when full), so a handle with no waiters can be dropped and made again without losing anything.
     */
    @Override
    public boolean isIdle() {
        return waiting.get() == 0;
    }

    /** This instance's view, without asking Redis: {@code waiting} counts this instance's reserved callers. */
    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, kind(), waiting.get(), 0, limit, List.of());
    }

    // ---------------------------------------------------------------- Redis calls

    private CompletionStage<List<Object>> take(int permits, long maxWaitNanos) {
        long maxWaitMicros = maxWaitNanos == Long.MAX_VALUE ? LUA_EXACT : Math.min(LUA_EXACT, maxWaitNanos / 1000L);
        return script.evalAsync(redisKey, RScript.Mode.READ_WRITE, TAKE, RScript.ReturnType.LIST, List.of(redisKey),
                args(permits, maxWaitMicros));
    }

    /** Gives a reservation back, if it is not yet due (fire and forget: on failure its tokens stay spent, which only lowers the rate). */
    private void refund(int permits, long dueMicros) {
        RedisRoundTrip.async(script.evalAsync(redisKey, RScript.Mode.READ_WRITE, REFUND, RScript.ReturnType.LONG,
                        List.of(redisKey), args(permits, dueMicros)), RedisRoundTrip.boundFor(0L), name, subject, "giving tokens back")
                .whenComplete((given, error) -> {
                    if (error != null) {
                        log.debug("{}: could not give back {} reserved token(s); they stay spent", subject, permits, error);
                    }
                });
    }

    /** A take call this caller gave up on may still reserve tokens in Redis: give them back when it does. */
    private void refundWhenAnswered(CompletionStage<List<Object>> call, int permits) {
        call.whenComplete((raw, error) -> {
            if (error == null) {
                Reply reply = Reply.of(raw);
                if (reply.taken && reply.waitMicros > 0L) {
                    refund(permits, reply.dueMicros);
                }
            }
        });
    }

    private Object[] args(int permits, long last) {
        return new Object[] {Integer.toString(permits), Long.toString(tokenTicks), Long.toString(ticksPerMicro),
                Long.toString(capacityTicks), Long.toString(last)};
    }

    // ---------------------------------------------------------------- helpers

    private long arrive() {
        if (!instrumented) {
            return 0L;
        }
        listener.onArrival(this);
        return System.nanoTime();
    }

    private void waitEnded(long arrivedAt, Outcome outcome) {
        if (instrumented) {
            listener.onWaitEnded(this, System.nanoTime() - arrivedAt, outcome);
        }
    }

    private static Duration remainingTimeout(long deadline) {
        return deadline == Long.MAX_VALUE ? Durations.FOREVER : Duration.ofNanos(RedisRoundTrip.remaining(deadline));
    }

    private void checkPermits(int permits) {
        if (permits < 1 || permits > limit) {
            throw new IllegalArgumentException(subject + ": cannot take " + permits
                    + " tokens at once; ask for 1 to " + limit + " (the bucket never holds more)");
        }
    }

    private static String takingWhat(int permits) {
        return permits == 1 ? "taking a token" : "taking " + permits + " tokens";
    }

    @Override
    public String toString() {
        return subject + " (" + limit + " per " + Durations.format(per) + ", Redis key " + redisKey + ")";
    }

    /** The take script's answer: whether the tokens were taken or reserved, the wait, and when they are due in Redis' clock. */
    private record Reply(boolean taken, long waitMicros, long dueMicros) {

        static Reply of(List<Object> raw) {
            return new Reply(((Number) raw.get(0)).longValue() == 1L, ((Number) raw.get(1)).longValue(),
                    ((Number) raw.get(2)).longValue());
        }

        Duration waitTime() {
            return Duration.ofNanos(Math.multiplyExact(waitMicros, 1000L));
        }
    }

    /**
     * The future of an async acquisition. Completed on the {@link RedisTimer} thread at the
     * reservation's due time; cancelling it before then gives the reservation back.
     */
    private final class TokenFuture extends CompletableFuture<Void> {

        private final int permits;
        private final long arrivedAt;
        // Guarded by this.
        private Phase state = Phase.ASKING;
        private Reply reservation;
        private ScheduledFuture<?> dueTimer;
        private CompletableFuture<Void> local;

        TokenFuture(int permits, long arrivedAt) {
            this.permits = permits;
            this.arrivedAt = arrivedAt;
        }

        /** Redis answered (or failed, or did not answer in time). Runs on the {@link RedisTimer} thread. */
        void answered(List<Object> raw, Throwable error, CompletionStage<List<Object>> call, long deadline) {
            if (error != null) {
                refundWhenAnswered(call, permits);
                Throwable cause = RedisRoundTrip.unwrap(error);
                if (fallback.enabled() && RedisRoundTrip.isUnavailable(cause)) {
                    fallback.redisFailed(cause);
                    delegate(fallback.local().acquireAsync(permits, remainingTimeout(deadline)));
                } else if (finish(Phase.ASKING)) {
                    waitEnded(arrivedAt, Outcome.TIMEOUT);
                    super.completeExceptionally(cause);
                }
                return;
            }
            fallback.redisAnswered();
            Reply reply = Reply.of(raw);
            if (!reply.taken) {
                if (finish(Phase.ASKING)) {
                    waitEnded(arrivedAt, Outcome.REJECTED);
                    super.completeExceptionally(new RateLimitExceededException(name, reply.waitTime()));
                }
                return;
            }
            if (reply.waitMicros == 0L) {
                if (finish(Phase.ASKING)) {
                    waitEnded(arrivedAt, Outcome.ACQUIRED);
                    super.complete(null);
                }
                return;
            }
            synchronized (this) {
                if (state == Phase.ASKING) {
                    state = Phase.RESERVED;
                    reservation = reply;
                    waiting.incrementAndGet();
                    dueTimer = RedisTimer.schedule(this::due, reply.waitTime().toNanos());
                    return;
                }
            }
            refund(permits, reply.dueMicros); // withdrawn while asking
        }

        private void due() {
            if (finish(Phase.RESERVED)) {
                waiting.decrementAndGet();
                waitEnded(arrivedAt, Outcome.ACQUIRED);
                super.complete(null);
            }
        }

        /** Hands the acquisition to the local fallback's future. */
        private void delegate(CompletableFuture<Void> future) {
            boolean delegated = false;
            synchronized (this) {
                if (state == Phase.ASKING) {
                    state = Phase.LOCAL;
                    local = future;
                    delegated = true;
                }
            }
            if (!delegated) {
                future.cancel(false); // withdrawn meanwhile
                return;
            }
            future.whenComplete((ignored, error) -> {
                if (error == null) {
                    super.complete(null);
                } else {
                    super.completeExceptionally(RedisRoundTrip.unwrap(error));
                }
            });
        }

        /** Moves from {@code from} to DONE; false when something else (grant, withdrawal) came first. */
        private synchronized boolean finish(Phase from) {
            if (state != from) {
                return false;
            }
            state = Phase.DONE;
            return true;
        }

        /** Withdraws the acquisition, giving back its reservation; false when it was already granted. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return withdraw(null);
        }

        /** Withdraws the acquisition and fails this future with {@code ex}; false when it was already granted. */
        @Override
        public boolean completeExceptionally(Throwable ex) {
            return withdraw(ex);
        }

        private boolean withdraw(Throwable error) {
            Phase was;
            Reply reserved;
            CompletableFuture<Void> delegated;
            synchronized (this) {
                was = state;
                if (was == Phase.DONE || was == Phase.WITHDRAWN) {
                    return was == Phase.WITHDRAWN && (error == null ? isCancelled() : isCompletedExceptionally());
                }
                if (was == Phase.LOCAL) {
                    delegated = local;
                    reserved = null;
                } else {
                    state = Phase.WITHDRAWN;
                    delegated = null;
                    reserved = reservation;
                    reservation = null;
                    if (dueTimer != null) {
                        dueTimer.cancel(false);
                    }
                }
            }
            if (delegated != null) {
                // The local future reports the outcome itself, and its callback completes this one.
                boolean withdrawn = error == null ? delegated.cancel(false) : delegated.completeExceptionally(error);
                if (withdrawn) {
                    if (error == null) {
                        super.cancel(false);
                    } else {
                        super.completeExceptionally(error);
                    }
                }
                return withdrawn;
            }
            if (reserved != null) {
                waiting.decrementAndGet();
                refund(permits, reserved.dueMicros);
            }
            waitEnded(arrivedAt, Outcome.CANCELLED);
            return error == null ? super.cancel(false) : super.completeExceptionally(error);
        }

        /**
         * Not supported: the limiter completes this future when the tokens are granted. To withdraw,
         * {@link #cancel(boolean)} it.
         */
        @Override
        public boolean complete(Void value) {
            throw new UnsupportedOperationException(
                    "this future is completed by the rate limiter when the tokens are granted; cancel() it to withdraw");
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }

    private enum Phase {
        /** The take script has not answered yet. */
        ASKING,
        /** Tokens reserved in Redis; granted at their due time. */
        RESERVED,
        /** Served by the local fallback's future. */
        LOCAL,
        /** Granted or failed. */
        DONE,
        /** Cancelled by the caller. */
        WITHDRAWN
    }
}
