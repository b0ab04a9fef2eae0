package dev.signalbox.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
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
 * <p><b>Ordering:</b> FIFO among this instance's waiting calls: they queue locally, and only the head
 * of the queue asks Redis, so many local waiters cost Redis what one does. Across instances there is
 * no order: whichever instance's head asks first after a token frees gets it. {@link #tryAcquire()} and
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
    private final ClusterProbe probe;
    private final LocalFallbackSwitch<RateLimiter> fallback;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    /** This instance's waiting calls, oldest first; the head may be asking Redis. */
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    /** The queued waiter whose Redis call is in flight, if any. */
    private Waiter asking;

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
        this.probe = new ClusterProbe(this, listener);
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
                throw new RateLimitExceededException(name, per);
            }
            return;
        }
        RedisTimer.refuseBlockingWait(subject);
        Waiter waiter = start(permits, arrivedAt, timeoutNanos);
        try {
            waiter.future.get();
        } catch (ExecutionException e) {
            throw RedisRoundTrip.rethrow(e.getCause());
        } catch (InterruptedException e) {
            if (waiter.withdraw(Outcome.INTERRUPTED, null)) {
                throw e;
            }
            // Decided just before the interrupt: that decision stands, and the interrupt is kept.
            Thread.currentThread().interrupt();
            try {
                waiter.future.get(RedisRoundTrip.UNTIMED_BOUND.toNanos(), TimeUnit.NANOSECONDS);
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
        return start(permits, arrivedAt, timeoutNanos).future;
    }

    /**
     * A zero timeout asks Redis once, unless this instance has waiters (then it is refused at once);
     * a positive one joins the local queue, whose head asks Redis.
     */
    private Waiter start(int permits, long arrivedAt, long timeoutNanos) {
        long deadline = RedisRoundTrip.deadline(System.nanoTime(), timeoutNanos);
        Waiter waiter = new Waiter(permits, arrivedAt, deadline, timeoutNanos == 0L);
        boolean refused = false;
        lock.lock();
        try {
            if (waiter.once) {
                refused = !queue.isEmpty();
                if (!refused) {
                    waiter.phase = Phase.ASKING;
                }
            } else {
                queue.add(waiter);
                if (deadline != Long.MAX_VALUE) {
                    waiter.timeoutTask = RedisTimer.schedule(waiter::timedOut, RedisRoundTrip.remaining(deadline));
                }
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            waiter.finish(null, Outcome.REJECTED);
        } else if (waiter.once) {
            waiter.ask();
        } else {
            askNext();
        }
        return waiter;
    }

    /** Lets the head of the local queue ask Redis, unless a queued waiter is asking already. */
    private void askNext() {
        Waiter head;
        lock.lock();
        try {
            if (asking != null || (head = queue.peek()) == null) {
                return;
            }
            asking = head;
            head.phase = Phase.ASKING;
        } finally {
            lock.unlock();
        }
        head.ask();
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
        lock.lock();
        try {
            return queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** This instance's view, without asking Redis: {@code waiting} counts this instance's queued calls. */
    @Override
    public Snapshot snapshot() {
        int waiting;
        lock.lock();
        try {
            waiting = queue.size();
        } finally {
            lock.unlock();
        }
        return new Snapshot(name, kind(), waiting, 0, limit, List.of());
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

    private enum Phase {
        /** In the local queue, behind the head. */
        QUEUED,
        /** Its Redis call is in flight. */
        ASKING,
        /** Served by the local fallback's future. */
        LOCAL,
        /** Granted or failed. */
        DONE,
        /** Withdrawn by its caller. */
        WITHDRAWN
    }

    /** One call for tokens on this instance. */
    private final class Waiter {

        final int permits;
        final long arrivedAt;
        final long deadline;
        /** A zero-timeout call: one try, never queued. */
        final boolean once;
        final TokenFuture future = new TokenFuture(this);
        // Guarded by lock.
        Phase phase = Phase.QUEUED;
        ScheduledFuture<?> timeoutTask;
        CompletableFuture<Void> local;

        Waiter(int permits, long arrivedAt, long deadline, boolean once) {
            this.permits = permits;
            this.arrivedAt = arrivedAt;
            this.deadline = deadline;
            this.once = once;
        }

        /** Asks Redis: once, or (as the queue's head) in Redisson's timed acquire until the deadline. */
        void ask() {
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
                future.failByLimiter(e);
                askNext();
            }
        }

        /** Redis answered this waiter's call (on the {@link RedisTimer} thread). */
        private void answered(boolean taken, Throwable error) {
            Throwable cause = error == null ? null : RedisRoundTrip.unwrap(error);
            boolean toLocal = cause != null && fallback.enabled() && RedisRoundTrip.isUnavailable(cause);
            Phase was;
            lock.lock();
            try {
                was = phase;
                if (was == Phase.ASKING) {
                    phase = toLocal ? Phase.LOCAL : Phase.DONE;
                    queue.remove(this);
                    if (timeoutTask != null) {
                        timeoutTask.cancel(false);
                    }
                }
                if (asking == this) {
                    asking = null;
                }
            } finally {
                lock.unlock();
            }
            if (was == Phase.WITHDRAWN) {
                if (taken) {
                    release(permits);
                }
            } else if (was == Phase.ASKING) {
                if (toLocal) {
                    delegate(once ? Duration.ZERO : remainingTimeout());
                } else if (cause != null) {
                    finish(cause, Outcome.TIMEOUT);
                } else if (taken) {
                    finish(null, Outcome.ACQUIRED);
                } else {
                    finish(null, once ? Outcome.REJECTED : Outcome.TIMEOUT);
                }
            }
            askNext();
        }

        /** The timeout ran out while still queued behind the head (an asking head's own call ends at the deadline). */
        void timedOut() {
            lock.lock();
            try {
                if (phase != Phase.QUEUED) {
                    return;
                }
                phase = Phase.DONE;
                queue.remove(this);
            } finally {
                lock.unlock();
            }
            finish(null, Outcome.TIMEOUT);
        }

        /**
         * Reports the outcome and completes the future: granted for {@link Outcome#ACQUIRED}, the
         * error if any, otherwise {@link RateLimitExceededException} with {@code per} as retry-after.
         */
        void finish(Throwable error, Outcome outcome) {
            try {
                probe.waitEnded(arrivedAt, outcome);
            } finally {
                // Completed even when the listener throws, so that no caller waits forever.
                if (outcome == Outcome.ACQUIRED) {
                    future.completeByLimiter();
                } else {
                    future.failByLimiter(error != null ? error : new RateLimitExceededException(name, per));
                }
            }
        }

        /** Hands this call to the local fallback's limiter. */
        private void delegate(Duration left) {
            CompletableFuture<Void> fallbackFuture = fallback.local().acquireAsync(permits, left);
            lock.lock();
            try {
                local = fallbackFuture;
            } finally {
                lock.unlock();
            }
            fallbackFuture.whenComplete((ignored, error) -> {
                if (error == null) {
                    future.completeByLimiter();
                } else {
                    future.failByLimiter(RedisRoundTrip.unwrap(error));
                }
            });
        }

        private Duration remainingTimeout() {
            return deadline == Long.MAX_VALUE ? Durations.FOREVER : Duration.ofNanos(RedisRoundTrip.remaining(deadline));
        }

        /** Withdraws this call; false when it was already granted or failed (or withdrawn). */
        boolean withdraw(Outcome outcome, Throwable error) {
            CompletableFuture<Void> delegated = null;
            boolean promote = false;
            lock.lock();
            try {
                switch (phase) {
                    case DONE, WITHDRAWN -> {
                        return false;
                    }
                    case LOCAL -> delegated = local;
                    default -> {
                        queue.remove(this);
                        phase = Phase.WITHDRAWN;
                        if (timeoutTask != null) {
                            timeoutTask.cancel(false);
                        }
                        if (asking == this) {
                            asking = null;
                            promote = true;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (delegated != null) {
                // The local limiter reports the outcome; its future's callback completes this one.
                boolean withdrawn = error == null ? delegated.cancel(false) : delegated.completeExceptionally(error);
                if (withdrawn) {
                    future.failByLimiter(error);
                }
                return withdrawn;
            }
            probe.waitEnded(arrivedAt, outcome);
            future.failByLimiter(error);
            if (promote) {
                askNext();
            }
            return true;
        }
    }

    /** The future of a call: completed by the limiter when granted; cancelling it withdraws the call. */
    private static final class TokenFuture extends CompletableFuture<Void> {

        private final Waiter waiter;

        TokenFuture(Waiter waiter) {
            this.waiter = waiter;
        }

        /** Withdraws the call; false when it was already granted or failed. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return waiter.withdraw(Outcome.CANCELLED, null) || isCancelled();
        }

        /** Withdraws the call and fails this future with {@code ex}; false when it was already decided. */
        @Override
        public boolean completeExceptionally(Throwable ex) {
            return waiter.withdraw(Outcome.CANCELLED, Objects.requireNonNull(ex, "ex"));
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

        void completeByLimiter() {
            super.complete(null);
        }

        /** Fails with {@code error}, or cancels when it is null. */
        void failByLimiter(Throwable error) {
            if (error == null) {
                super.cancel(false);
            } else {
                super.completeExceptionally(error);
            }
        }
    }
}
