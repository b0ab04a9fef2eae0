package dev.signalbox.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Durations;
import dev.signalbox.core.Fairness;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimitExceededException;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.Snapshot;
import dev.signalbox.spi.Probe;
import dev.signalbox.spi.WithdrawableFuture;

/**
 * A {@link RateLimiter} shared by every instance that talks to the same Redis, on Redisson's
 * {@link RRateLimiter} ({@link RateType#OVERALL}, {@code limit} permits per {@code per}).
 *
 * <p><b>Guarantee across instances:</b> Redisson's limiter is a sliding window: at most {@code limit}
 * tokens are granted, on all instances together, in any window of length {@code per}. That is within
 * the local bucket's bound ({@code limit + T * limit / per} tokens in any window of length {@code T},
 * since {@code ceil(T / per) <= 1 + T / per}), but it is not a bucket: a token comes back exactly
 * {@code per} after it was taken rather than continuously, so after a burst of {@code limit} the next
 * call waits until the first of the burst is {@code per} old. The window is timed by the calling
 * instance's clock in milliseconds: instances whose clocks differ by {@code s} can together admit
 * {@code limit} tokens in a window as short as {@code per - s - 1ms}; keep them in sync (NTP).
 *
 * <p><b>Ordering:</b> FIFO among this instance's waiting calls: they queue locally (in a core FIFO
 * {@link Lock}, which owns their order, timeouts and withdrawal there), and only the head of the queue
 * asks Redis, so many local waiters cost Redis what one does. Across instances there is no order:
 * whichever instance's head asks first after a token frees gets it. {@link #tryAcquire()} and
 * zero-timeout calls never pass this instance's waiters (they are refused while any wait). <b>Timeouts:</b>
 * a zero timeout asks Redis once. A positive timeout waits in the local queue and then, as head, in
 * Redisson's own timed acquire, which sleeps for the delay Redis computes (until the oldest grant
 * leaves the window) before trying again, so nothing polls Redis in a loop; when the timeout runs
 * out the call fails with {@link RateLimitExceededException}. Unlike the local limiter, the call
 * cannot be rejected at arrival, because Redisson's limiter does not say in advance when tokens will
 * free. <b>Retry-after</b> is therefore {@code per}, an upper bound: by then every grant in the window
 * has left it, so a call for up to {@code limit} tokens succeeds unless others take them first
 * ({@link #timeUntilAvailable} likewise says zero or {@code per}). <b>Cancellation:</b> a withdrawn
 * call (interrupted, or its future cancelled) takes nothing; if its Redis call grants the tokens after
 * the withdrawal, they are released back ({@link RRateLimiter#release}, which frees the oldest grants:
 * never more than un-granting would). <b>Memory:</b> Redis runs each grant atomically, so whatever a
 * caller did before its grant precedes, in Redis' order, every later grant.
 *
 * <p><b>Redis unreachable:</b> a zero-timeout call, and the queries, wait for Redis at most one
 * second; a waiting call at most its timeout plus one second. Then the call fails with
 * {@link GuardUnavailableException}, having taken nothing. With {@code settings.localFallback()} it is
 * served by a local limiter of the same shape instead (limiting this instance only). An outage is
 * known to every primitive of the same {@link RedisClusterPrimitives} and logged once: for one second
 * after any of them saw Redis fail, calls do not ask Redis (they go to the local limiter, or fail at
 * once without the fallback), then try it again.
 *
 * <p><b>Redis state</b> (Redisson's): a hash with the rate at {@code keyPrefix + "{" + name + "}"}
 * ({@code "{" + name + ":" + key + "}"} when keyed), the tokens left at that name {@code + ":value"}, and
 * one sorted-set entry per grant in the window at {@code + ":permits"}. The braces are a Redis Cluster
 * hash tag, so one bucket's keys share a slot. Every grant sets all three to expire {@code per + 1s}
 * later, so an idle key leaves nothing behind. <b>Limits:</b> the first instance to create a bucket
 * sets its rate ({@code trySetRate}); another rate takes effect only after the bucket has been idle
 * for {@code per + 1s}, so give every instance the same limit. A Redis restart without persistence
 * forgets the window, so up to one extra {@code limit} can be admitted around it.
 * {@link #availableTokens()} and {@link #timeUntilAvailable} call Redisson's
 * {@code availablePermits()}, which rewrites the {@code :value} key without its TTL, and then set the
 * TTL again (a second call): if this instance dies in between, that one small key stays.
 */
final class RedisRateLimiter implements RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

    /** What Redisson's scripts fail with once the rate's hash has expired (the bucket was idle). */
    private static final String NOT_INITIALIZED = "RateLimiter is not initialized";
    /** How much longer than one window a bucket's keys outlive its last grant. */
    private static final Duration KEEP_ALIVE_MARGIN = Duration.ofSeconds(1);

    private final RedisBackend backend;
    private final RRateLimiter limiter;
    private final String name;
    private final String key;
    private final String redisName;
    private final String subject;
    private final int limit;
    private final Duration per;
    private final Duration keepAlive;
    private final Probe probe;
    private final LocalFallbackSwitch<RateLimiter> fallback;

    /** The local queue: a call with a timeout holds it while it asks Redis, so only the head asks. */
    private final Lock queue;
    /** This instance's calls with a timeout that have not ended: queued, or asking Redis as the head. */
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * A limiter that knows by itself whether Redis is down; one from {@link RedisClusterPrimitives}
     * shares that knowledge with the instance's other primitives.
     *
     * @param client   the Redis connection
     * @param settings key prefix and what to do when Redis is unreachable
     * @param name     the limiter's name
     * @param key      the bucket's key within the name, or {@code null} for the one unkeyed bucket
     * @param limit    tokens per {@code per}
     * @param per      the window, in whole milliseconds
     * @param listener told of every arrival and of how each wait ended
     */
    RedisRateLimiter(RedissonClient client, RedisClusterSettings settings, String name, String key, int limit,
            Duration per, PrimitiveListener listener) {
        this(new RedisBackend(Objects.requireNonNull(client, "client"), Objects.requireNonNull(settings, "settings")), name,
                key, limit, per, listener);
    }

    /** One of {@link RedisClusterPrimitives}, sharing its backend (and so its knowledge of Redis' availability). */
    RedisRateLimiter(RedisBackend backend, String name, String key, int limit, Duration per, PrimitiveListener listener) {
        this.backend = backend;
        RedisClusterSettings settings = backend.settings;
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a primitive needs a non-blank name (it names its metrics, log lines and Redis keys)");
        }
        this.name = name;
        this.key = key;
        this.subject = "rate limit '" + name + "'" + (key == null ? "" : " (key " + key + ")") + " (cluster)";
        if (limit < 1) {
            throw new IllegalArgumentException(subject + ": limit must be at least 1 token per period, was " + limit);
        }
        if (per == null || per.compareTo(Duration.ofMillis(1)) < 0 || per.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException(subject + ": per must be a positive whole number of milliseconds (such as 1s),"
                    + " was " + per + "; Redis' limiter counts in milliseconds");
        }
        this.limit = limit;
        this.per = per;
        this.keepAlive = per.plus(KEEP_ALIVE_MARGIN);
        this.redisName = settings.keyPrefix() + "{" + name + (key == null ? "" : ":" + key) + "}";
        this.limiter = backend.client.getRateLimiter(redisName);
        this.queue = Lock.create(name, Fairness.FIFO, PrimitiveListener.NONE);
        this.probe = new Probe(this, listener);
        this.fallback = new LocalFallbackSwitch<>(backend, name, subject, this, probe.listener,
                local -> RateLimiter.create(name, limit, per, local));
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
        long arrivedAt = probe.arrive();
        if (fallback.active()) {
            return fallback.local().tryAcquire(permits);
        }
        Boolean taken = takeOnce(permits, arrivedAt);
        return taken == null ? fallback.local().tryAcquire(permits) : taken;
    }

    /**
     * A zero-timeout call from a blocking caller: refused while this instance has waiters, otherwise
     * one Redis round trip on the caller's thread. Null when Redis failed and the fallback is to serve
     * the call.
     */
    private Boolean takeOnce(int permits, long arrivedAt) {
        if (!isIdle()) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            return false;
        }
        if (fallback.redisKnownDown()) {
            if (fallback.enabled()) {
                return null;
            }
            probe.waitEnded(arrivedAt, Outcome.TIMEOUT);
            throw fallback.knownDown(takingWhat(permits));
        }
        CompletionStage<Boolean> call = RedisRoundTrip.start(() -> withRate(() -> limiter.tryAcquireAsync(permits)));
        boolean taken;
        try {
            taken = RedisRoundTrip.await(backend, call, fallback.roundTripBound(0L), name, subject, takingWhat(permits));
        } catch (GuardUnavailableException e) {
            releaseIfTaken(call, permits);
            if (fallback.enabled()) {
                return null;
            }
            probe.waitEnded(arrivedAt, Outcome.TIMEOUT);
            throw e;
        } catch (InterruptedException e) {
            releaseIfTaken(call, permits);
            Thread.currentThread().interrupt();
            probe.waitEnded(arrivedAt, Outcome.INTERRUPTED);
            return false;
        }
        probe.waitEnded(arrivedAt, taken ? Outcome.ACQUIRED : Outcome.REJECTED);
        return taken;
    }

    /** A call its caller gave up on may still take tokens in Redis: give them back when it does. */
    private void releaseIfTaken(CompletionStage<Boolean> call, int permits) {
        call.whenComplete((taken, error) -> {
            if (Boolean.TRUE.equals(taken)) {
                release(permits);
            }
        });
    }

    @Override
    public void acquire(int permits, Duration timeout) throws InterruptedException {
        long timeoutNanos = RedisRoundTrip.nanos(timeout);
        checkPermits(permits);
        long arrivedAt = probe.arrive();
        if (fallback.active()) {
            fallback.local().acquire(permits, timeout);
            return;
        }
        if (timeoutNanos == 0L) {
            Boolean taken = takeOnce(permits, arrivedAt);
            if (taken == null) {
                fallback.local().acquire(permits, timeout);
            } else if (!taken) {
                throw exceeded();
            }
            return;
        }
        RedisTimer.refuseBlockingWait(subject);
        TokenCall call = start(permits, arrivedAt, timeout, timeoutNanos);
        try {
            call.get();
        } catch (ExecutionException e) {
            throw RedisRoundTrip.rethrow(e.getCause());
        } catch (InterruptedException e) {
            if (call.withdraw(Outcome.INTERRUPTED, null)) {
                throw e;
            }
            // Decided just before the interrupt: that decision stands, and the interrupt is kept.
            Thread.currentThread().interrupt();
            try {
                call.get(RedisRoundTrip.UNTIMED_BOUND.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException failed) {
                throw RedisRoundTrip.rethrow(failed.getCause());
            } catch (TimeoutException | InterruptedException | CancellationException undecided) {
                throw e;
            }
        }
    }

    @Override
    public CompletableFuture<Void> acquireAsync(int permits, Duration timeout) {
        long timeoutNanos = RedisRoundTrip.nanos(timeout);
        checkPermits(permits);
        long arrivedAt = probe.arrive();
        if (fallback.active()) {
            return fallback.local().acquireAsync(permits, timeout);
        }
        return start(permits, arrivedAt, timeout, timeoutNanos);
    }

    private TokenCall start(int permits, long arrivedAt, Duration timeout, long timeoutNanos) {
        TokenCall call = new TokenCall(permits, arrivedAt, timeout, timeoutNanos);
        call.start();
        return call;
    }

    // ---------------------------------------------------------------- queries

    /**
     * Zero when this instance has no waiters and Redis' window has {@code permits} tokens now;
     * otherwise {@code per}, the upper bound described on the class.
     */
    @Override
    public Duration timeUntilAvailable(int permits) {
        checkPermits(permits);
        if (fallback.active()) {
            return fallback.local().timeUntilAvailable(permits);
        }
        Long available = availableInRedis();
        if (available == null) {
            return fallback.local().timeUntilAvailable(permits);
        }
        return available >= permits && isIdle() ? Duration.ZERO : per;
    }

    @Override
    public int availableTokens() {
        if (fallback.active()) {
            return fallback.local().availableTokens();
        }
        Long available = availableInRedis();
        if (available == null) {
            return fallback.local().availableTokens();
        }
        return isIdle() ? (int) Math.max(0L, Math.min(limit, available)) : 0;
    }

    /** Tokens in Redis' window now, or null when Redis failed and the fallback took over. */
    private Long availableInRedis() {
        if (fallback.redisKnownDown()) {
            if (fallback.enabled()) {
                return null;
            }
            throw fallback.knownDown("reading the window");
        }
        CompletionStage<Long> call = RedisRoundTrip.start(() -> limiter.availablePermitsAsync().toCompletableFuture()
                .thenCompose(available -> limiter.expireAsync(keepAlive).thenApply(ignored -> available))
                .exceptionallyCompose(e -> isNotInitialized(e) ? CompletableFuture.completedFuture((long) limit)
                        : CompletableFuture.failedFuture(e)));
        try {
            return RedisRoundTrip.await(backend, call, fallback.roundTripBound(0L), name, subject, "reading the window");
        } catch (GuardUnavailableException e) {
            if (fallback.enabled()) {
                return null;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardUnavailableException(name, subject + ": interrupted while reading the window from Redis", e);
        }
    }

    /**
     * True when no caller of this instance waits. The window itself lives in Redis (and expires there
     * when idle), so a handle with no waiters can be dropped and made again without losing anything.
     */
    @Override
    public boolean isIdle() {
        return waiting.get() == 0;
    }

    /** This instance's view, without asking Redis: {@code waiting} counts this instance's queued calls. */
    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, kind(), waiting.get(), 0, limit, List.of());
    }

    // ---------------------------------------------------------------- Redis calls

    /**
     * Runs {@code call}; when Redis says the rate is not set (a new bucket, or one whose keys expired
     * while idle), sets it and runs {@code call} again.
     */
    private <T> CompletionStage<T> withRate(Supplier<? extends CompletionStage<T>> call) {
        return call.get().toCompletableFuture().exceptionallyCompose(e -> isNotInitialized(e)
                ? limiter.trySetRateAsync(RateType.OVERALL, limit, per, keepAlive).toCompletableFuture().thenCompose(set -> call.get())
                : CompletableFuture.failedFuture(e));
    }

    private static boolean isNotInitialized(Throwable error) {
        Throwable e = RedisRoundTrip.unwrap(error);
        return e instanceof RedisException && e.getMessage() != null && e.getMessage().contains(NOT_INITIALIZED);
    }

    /** Gives back tokens granted to a call that was withdrawn meanwhile (fire and forget: on failure they stay spent). */
    private void release(int permits) {
        RedisRoundTrip.async(backend, RedisRoundTrip.start(() -> limiter.releaseAsync(permits)), RedisRoundTrip.boundFor(0L), name,
                        subject, "giving tokens back")
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        log.debug("{}: could not give back {} token(s) of a withdrawn call; they stay spent", subject, permits, error);
                    }
                });
    }

    // ---------------------------------------------------------------- helpers

    private void checkPermits(int permits) {
        if (permits < 1 || permits > limit) {
            throw new IllegalArgumentException(subject + ": cannot take " + permits
                    + " tokens at once; ask for 1 to " + limit + " (the window never holds more)");
        }
    }

    private static String takingWhat(int permits) {
        return permits == 1 ? "taking a token" : "taking " + permits + " tokens";
    }

    @Override
    public String toString() {
        return subject + " (" + limit + " per " + Durations.format(per) + ", Redis key " + redisName + ")";
    }

    private RateLimitExceededException exceeded() {
        return new RateLimitExceededException(name, per);
    }

    private enum Phase {
        /** Queued locally, or asking Redis as the head. */
        WAITING,
        /** Handed to the local fallback's limiter. */
        LOCAL,
        /** Granted, failed or withdrawn. */
        ENDED
    }

    /**
     * One call for tokens that is not a blocking zero-timeout call, and its future. A positive timeout
     * waits its turn in the local queue (the core lock, with the call's timeout), then asks Redis with
     * the time it has left, holding the queue meanwhile; a zero timeout asks once, unless this instance
     * has waiters. It ends once, with one outcome reported: granted, refused or timed out, failed (Redis
     * unavailable), or withdrawn; or it is handed to the local fallback, which then reports. A withdrawn
     * call takes nothing: its local wait is withdrawn in core, its turn passes on at once, and tokens its
     * Redis call is granted afterwards are released back.
     *
     * <p>It is its own future, as core's waits are, so that {@link #cancel} decides against the grant
     * under this call's monitor, reports before the caller can see the outcome, and returns false once
     * the grant is decided.
     */
    private final class TokenCall extends WithdrawableFuture<Void> {

        private final int permits;
        private final long arrivedAt;
        private final Duration timeout;
        private final long deadline;
        /** A zero-timeout call: one try, never queued. */
        private final boolean once;
        // Guarded by this.
        private Phase phase = Phase.WAITING;
        /** The wait for this call's turn in the local queue. */
        private CompletableFuture<Permit> admission;
        /** The local queue, held while this call asks Redis. */
        private Permit turn;
        /** The local fallback's future, once the call is handed to it. */
        private CompletableFuture<Void> local;

        TokenCall(int permits, long arrivedAt, Duration timeout, long timeoutNanos) {
            this.permits = permits;
            this.arrivedAt = arrivedAt;
            this.timeout = timeout;
            this.deadline = RedisRoundTrip.deadline(System.nanoTime(), timeoutNanos);
            this.once = timeoutNanos == 0L;
        }

        void start() {
            if (once) {
                if (isIdle()) {
                    ask();
                } else {
                    end(Outcome.REJECTED, exceeded());
                }
                return;
            }
            waiting.incrementAndGet();
            CompletableFuture<Permit> wait = queue.acquireAsync(timeout);
            synchronized (this) {
                admission = wait;
            }
            wait.whenCompleteAsync(this::admitted, RedisTimer::execute);
        }

        /** This call's turn came, or its timeout ran out in the local queue (on the {@link RedisTimer} thread). */
        private void admitted(Permit admitted, Throwable error) {
            if (error != null) {
                Throwable cause = RedisRoundTrip.unwrap(error);
                if (!(cause instanceof CancellationException)) { // cancelled by this call's end
                    end(Outcome.TIMEOUT, cause instanceof GuardTimeoutException ? exceeded() : cause);
                }
                return;
            }
            boolean ended;
            synchronized (this) {
                ended = phase != Phase.WAITING;
                if (!ended) {
                    turn = admitted;
                }
            }
            if (ended) {
                admitted.close(); // withdrawn as its turn came: the turn passes on
            } else {
                ask();
            }
        }

        /** Asks Redis: once, or (as the queue's head) in Redisson's timed acquire until the deadline. */
        private void ask() {
            if (fallback.redisKnownDown()) {
                // Not asked: handled as a failed call, on the timer thread as Redis' answers are.
                GuardUnavailableException down = fallback.knownDown(takingWhat(permits));
                RedisTimer.execute(() -> replied(false, down));
                return;
            }
            CompletionStage<Boolean> call;
            long bound;
            if (once) {
                call = RedisRoundTrip.start(() -> withRate(() -> limiter.tryAcquireAsync(permits)));
                bound = fallback.roundTripBound(0L);
            } else if (deadline == Long.MAX_VALUE) {
                call = RedisRoundTrip.start(() -> withRate(() -> limiter.acquireAsync(permits).thenApply(ignored -> Boolean.TRUE)));
                bound = Long.MAX_VALUE;
            } else {
                call = RedisRoundTrip.start(() -> withRate(() -> limiter.tryAcquireAsync(permits,
                        Duration.ofMillis(Math.ceilDiv(RedisRoundTrip.remaining(deadline), 1_000_000L)))));
                // Redisson's own call ends at the deadline; one more round trip for its answer.
                bound = RedisRoundTrip.remaining(deadline) + RedisRoundTrip.boundFor(0L);
            }
            RedisRoundTrip.async(backend, call, bound, name, subject, takingWhat(permits))
                    .whenComplete((taken, error) -> replied(Boolean.TRUE.equals(taken), error));
        }

        private void replied(boolean taken, Throwable error) {
            try {
                answered(taken, error);
            } catch (RuntimeException | Error e) {
                log.error("{}: could not handle Redis' answer; the call fails", subject, e);
                end(Outcome.TIMEOUT, e);
            }
        }

        /** Redis answered this call's request (on the {@link RedisTimer} thread). */
        private void answered(boolean taken, Throwable error) {
            Throwable cause = error == null ? null : RedisRoundTrip.unwrap(error);
            if (cause == null && taken) {
                if (!end(Outcome.ACQUIRED, null)) {
                    release(permits); // withdrawn before the grant landed
                }
            } else if (cause == null) {
                end(once ? Outcome.REJECTED : Outcome.TIMEOUT, exceeded());
            } else if (fallback.enabled() && RedisRoundTrip.isUnavailable(cause)) {
                delegate(once ? Duration.ZERO : remainingTimeout());
            } else {
                end(Outcome.TIMEOUT, cause);
            }
        }

        /**
         * Ends this call unless it has ended: leaves the local queue, reports {@code outcome} and
         * completes the future, granted for {@link Outcome#ACQUIRED}, otherwise failed with
         * {@code failure} (cancelled when it is null). False when the call had ended or was handed on.
         */
        private boolean end(Outcome outcome, Throwable failure) {
            synchronized (this) {
                if (phase != Phase.WAITING) {
                    return false;
                }
                phase = Phase.ENDED;
            }
            leaveQueue();
            try {
                probe.waitEnded(arrivedAt, outcome);
            } finally {
                // Completed even when the listener throws, so that no caller waits forever.
                if (outcome == Outcome.ACQUIRED) {
                    completeByOwner(null);
                } else {
                    failByOwner(failure); // cancelled when null
                }
            }
            return true;
        }

        /** Leaves the local queue (once: on leaving {@link Phase#WAITING}): withdraws the wait there, or passes the turn on. */
        private void leaveQueue() {
            if (once) {
                return;
            }
            CompletableFuture<Permit> wait;
            Permit held;
            synchronized (this) {
                wait = admission;
                held = turn;
            }
            waiting.decrementAndGet();
            if (held != null) {
                held.close();
            } else if (wait != null) {
                wait.cancel(false); // a turn granted at this very moment is passed on by admitted()
            }
        }

        /** Hands this call to the local fallback's limiter, which reports its outcome. */
        private void delegate(Duration left) {
            CompletableFuture<Void> fallbackFuture = fallback.local().acquireAsync(permits, left);
            boolean withdrawn;
            synchronized (this) {
                withdrawn = phase != Phase.WAITING;
                if (!withdrawn) {
                    phase = Phase.LOCAL;
                    local = fallbackFuture;
                }
            }
            if (withdrawn) {
                fallbackFuture.cancel(false); // withdrawn a moment ago: the local limiter takes nothing either
                return;
            }
            leaveQueue();
            fallbackFuture.whenComplete((ignored, error) -> {
                if (error == null) {
                    completeByOwner(null);
                } else {
                    failByOwner(RedisRoundTrip.unwrap(error));
                }
            });
        }

        private Duration remainingTimeout() {
            return deadline == Long.MAX_VALUE ? Durations.FOREVER : Duration.ofNanos(RedisRoundTrip.remaining(deadline));
        }

        /** Withdraws this call ({@code CANCELLED} or {@code INTERRUPTED}); false when it was already decided. */
        boolean withdraw(Outcome outcome, Throwable error) {
            CompletableFuture<Void> delegated;
            synchronized (this) {
                delegated = local;
            }
            if (delegated == null) {
                return end(outcome, error);
            }
            // The local limiter reports the outcome; its future's callback completes this one.
            boolean withdrawn = error == null ? delegated.cancel(false) : delegated.completeExceptionally(error);
            if (withdrawn) {
                failByOwner(error);
            }
            return withdrawn;
        }

        /** {@code cancel} and {@code completeExceptionally}: withdraws the call; false when it was already decided. */
        @Override
        protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
            return withdraw(Outcome.CANCELLED, cause);
        }

        @Override
        protected String completedWhen() {
            return "by the rate limiter when the tokens are granted";
        }

        @Override
        protected String withdrawnThing() {
            return "the call";
        }
    }
}
