package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore (asyncio's {@code Semaphore}): at most {@code capacity} permits are held at once.
 *
 * <p><b>Fairness:</b> strictly FIFO. A caller never overtakes an earlier waiter, not even with
 * {@link #tryAcquire()}, which succeeds only when nobody waits. A request for several permits
 * waits at the head of the queue and holds back the smaller requests behind it, so it is never
 * starved by them. <b>Timeouts and cancellation:</b> a wait that times out, is interrupted or
 * whose future is cancelled holds nothing and releases nothing; the waiters behind it move up.
 * <b>Memory:</b> actions before a permit's {@code close()} happen-before the acquisitions it enables.
 */
public interface Semaphore extends Acquirable {

    /** An uninstrumented semaphore with {@code permits} permits. */
    static Semaphore create(String name, int permits) {
        return new LocalSemaphore(name, permits, PrimitiveListener.NONE);
    }

    /** A semaphore reporting to {@code listener}. */
    static Semaphore create(String name, int permits, PrimitiveListener listener) {
        return new LocalSemaphore(name, permits, listener);
    }

    @Override
    default Kind kind() {
        return Kind.SEMAPHORE;
    }

    /** Waits for {@code permits} permits at most {@code timeout}; see {@link Acquirable#acquire(Duration)}. */
    Permit acquire(int permits, Duration timeout) throws InterruptedException;

    /** Takes {@code permits} permits if free and nobody waits; otherwise {@code null}. */
    Permit tryAcquire(int permits);

    /** Async wait for {@code permits} permits; see {@link Acquirable#acquireAsync(Duration)}. */
    CompletableFuture<Permit> acquireAsync(int permits, Duration timeout);

    /** Permits free right now. */
    int availablePermits();

    /** The total number of permits. */
    int capacity();
}
