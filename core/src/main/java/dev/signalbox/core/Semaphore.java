package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore (asyncio's {@code Semaphore}): at most {@code capacity} permits are held at once.
 *
 * <p><b>Ordering</b> (see {@link Fairness}). Callers that have to wait queue in arrival order and
 * are served in that order among themselves: a request for several permits at the head of the
 * queue holds back the smaller requests queued behind it, so they never starve it.
 * <ul>
 * <li>{@link Fairness#BARGING} (the default): released permits go back to the pool and the first
 *     waiter is woken; a caller already running may take free permits before it gets to them
 *     ({@link #tryAcquire()} succeeds whenever enough are free). Once the first waiter has been
 *     overtaken for {@link Fairness#STARVATION_THRESHOLD} (1 ms) or longer, released permits go
 *     directly to the waiters in arrival order and nobody overtakes them ({@code tryAcquire}
 *     returns {@code null}) until every waiter queued at that moment has been served; then barging
 *     resumes (see {@link Fairness#BARGING} for the exact rule). So a large request is not starved
 *     by a stream of small ones either. A waiter that has no thread
 *     ({@link #acquireAsync}) is granted directly when it is first and enough permits are free.</li>
 * <li>{@link Fairness#FIFO}: strictly first come, first served. A caller never overtakes an
 *     earlier waiter, not even with {@code tryAcquire}, which succeeds only when nobody waits.</li>
 * </ul>
 * <b>Timeouts and cancellation:</b> a wait that times out, is interrupted or whose future is
 * cancelled holds nothing and releases nothing; the waiters behind it move up.
 * <b>Memory:</b> actions before a permit's {@code close()} happen-before the acquisitions it enables.
 */
public interface Semaphore extends Acquirable {

    /** An uninstrumented {@link Fairness#BARGING} semaphore with {@code permits} permits. */
    static Semaphore create(String name, int permits) {
        return new LocalSemaphore(name, permits, Fairness.BARGING, PrimitiveListener.NONE);
    }

    /** A {@link Fairness#BARGING} semaphore reporting to {@code listener}. */
    static Semaphore create(String name, int permits, PrimitiveListener listener) {
        return new LocalSemaphore(name, permits, Fairness.BARGING, listener);
    }

    /** A semaphore with the given ordering, reporting to {@code listener} ({@link PrimitiveListener#NONE} for none). */
    static Semaphore create(String name, int permits, Fairness fairness, PrimitiveListener listener) {
        return new LocalSemaphore(name, permits, fairness, listener);
    }

    @Override
    default Kind kind() {
        return Kind.SEMAPHORE;
    }

    /** Waits for {@code permits} permits at most {@code timeout}; see {@link Acquirable#acquire(Duration)}. */
    Permit acquire(int permits, Duration timeout) throws InterruptedException;

    /** Takes {@code permits} permits if free and the ordering allows it (see above); otherwise {@code null}. */
    Permit tryAcquire(int permits);

    /** Async wait for {@code permits} permits; see {@link Acquirable#acquireAsync(Duration)}. */
    CompletableFuture<Permit> acquireAsync(int permits, Duration timeout);

    /** Permits free right now. */
    int availablePermits();

    /** The total number of permits. */
    int capacity();
}
