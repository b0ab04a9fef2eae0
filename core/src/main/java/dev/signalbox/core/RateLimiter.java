package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A token bucket: at most {@code limit} tokens, refilled continuously at {@code limit} tokens per
 * {@code per}. A call takes tokens; it never gives them back. Over any window of length {@code T},
 * at most {@code limit + T * limit / per} tokens are handed out (a burst of one full bucket, then
 * the rate). The bucket starts full.
 *
 * <p><b>Ordering:</b> strictly FIFO. A waiting call reserves its place at once; later calls, even
 * {@link #tryAcquire()} and calls for fewer tokens, never take tokens owed to an earlier waiter.
 * <b>Timeouts:</b> decided at arrival, not by waiting: if the tokens would not be free within
 * the timeout, the call fails at once with {@link RateLimitExceededException}, whose
 * {@link RateLimitExceededException#getRetryAfter() retry-after} says when they would be; a call
 * that is accepted is granted no later than its timeout. <b>Cancellation:</b> a blocking wait that
 * is interrupted, or an async wait whose future is cancelled, takes no tokens, and the waiters
 * behind it move up; it never lets later calls exceed the rate. <b>Memory:</b> calls are
 * serialized by an internal lock, so actions of a thread before a call that takes or reserves
 * tokens happen-before the return of every later call that is granted tokens.
 *
 * <p>Tokens are not held, so there is no permit and no release: {@link Snapshot#active()} is always
 * 0, {@link Snapshot#waiting()} counts pending reservations, {@link Snapshot#capacity()} is the
 * limit, and the tokens left are {@link #availableTokens()}.
 */
public interface RateLimiter extends Primitive {

    /** An uninstrumented limiter allowing {@code limit} tokens per {@code per}. */
    static RateLimiter create(String name, int limit, Duration per) {
        return new LocalRateLimiter(name, limit, per, PrimitiveListener.NONE, System::nanoTime);
    }

    /** A limiter reporting to {@code listener}: ACQUIRED, REJECTED, CANCELLED or INTERRUPTED per call. */
    static RateLimiter create(String name, int limit, Duration per, PrimitiveListener listener) {
        return new LocalRateLimiter(name, limit, per, listener, System::nanoTime);
    }

    @Override
    default Kind kind() {
        return Kind.RATE_LIMITER;
    }

    /** Takes one token if it is free now and nobody waits; never waits. */
    default boolean tryAcquire() {
        return tryAcquire(1);
    }

    /** Takes {@code permits} tokens if they are free now and nobody waits; never waits. */
    boolean tryAcquire(int permits);

    /** Waits at most {@code timeout} for one token; see {@link #acquire(int, Duration)}. */
    default void acquire(Duration timeout) throws InterruptedException {
        acquire(1, timeout);
    }

    /**
     * Takes {@code permits} tokens, waiting in line for them if needed.
     *
     * @param timeout the longest the call may wait; {@link Duration#ZERO} rejects unless the tokens
     *     are free now, {@link Durations#FOREVER} always waits its turn
     * @throws RateLimitExceededException at once, without waiting, when the tokens would not be
     *     free within {@code timeout}
     * @throws InterruptedException when interrupted while waiting (no tokens are taken)
     */
    void acquire(int permits, Duration timeout) throws InterruptedException;

    /** Async wait for one token; see {@link #acquireAsync(int, Duration)}. */
    default CompletableFuture<Void> acquireAsync(Duration timeout) {
        return acquireAsync(1, timeout);
    }

    /**
     * Async form of {@link #acquire(int, Duration)}: the future completes when the tokens are
     * granted (on the scheduler thread, so attach slow callbacks with an {@code ...Async} method),
     * or is already failed with {@link RateLimitExceededException}. No thread waits meanwhile.
     * Cancelling the future withdraws the reservation; if the grant came first, cancel returns false.
     */
    CompletableFuture<Void> acquireAsync(int permits, Duration timeout);

    /** How long a call for {@code permits} tokens arriving now would wait: zero when they are free now. */
    Duration timeUntilAvailable(int permits);

    /** Whole tokens a call arriving now could take at once: 0 while anyone waits. */
    int availableTokens();

    /** The bucket's capacity: tokens per {@code per}. */
    int limit();

    /** The time the bucket takes to refill from empty. */
    Duration per();

    /**
     * True when the bucket is full and nobody waits: the limiter is then indistinguishable from a
     * new one, so a keyed registry may drop it without losing anything.
     */
    boolean isIdle();
}
