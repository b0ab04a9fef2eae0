package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore (asyncio's {@code Semaphore}, and with {@link #bounded} its
 * {@code BoundedSemaphore}): a pool of permits, each either free or held.
 *
 * <p><b>Lending and consuming.</b> Permits are used in one of two ways, which can be mixed:
 * <ul>
 * <li><em>lent</em>: {@link #acquire} hands out a {@link Permit} that holds them until its
 *     {@code close()}, which puts them back, exactly once (a second {@code close()} does nothing);</li>
 * <li><em>consumed</em> (asyncio's signalling pattern, an {@code acquire()} with no later
 *     {@code release()}): {@link #take(int, Duration)} and its forms take permits out of the pool
 *     for good, and {@link #release(int)} adds permits that no acquisition took, for a later
 *     {@code take} or {@code acquire}. A semaphore created with 0 permits is the usual start.</li>
 * </ul>
 * So the permits that exist, {@link #capacity()} (free plus held), change with {@code release(n)}
 * (up) and {@code take} (down), never with {@code acquire} or {@code close()}.
 *
 * <p><b>Two kinds.</b> {@link #create} makes an unbounded semaphore: {@code release(n)} is always
 * allowed and the pool grows (up to {@link Integer#MAX_VALUE} permits). {@link #bounded} makes one
 * whose free plus held permits may never exceed the permits it was created with, its
 * {@link #bound()}: a {@code release(n)} that would go beyond throws {@link IllegalStateException}
 * and adds nothing. Held permits count (asyncio counts only free ones), so that a permit lent by
 * {@code acquire} can always be given back: its {@code close()} never throws, and the release that
 * would overfill the semaphore is the one refused.
 *
 * <p><b>Ordering</b> (see {@link Fairness}), the same for {@code acquire} and {@code take}, which
 * wait in one queue. Callers that have to wait queue in arrival order and are served in that
 * order among themselves: a request for several permits at the head of the queue holds back the
 * smaller requests queued behind it, so they never starve it.
 * <ul>
 * <li>{@link Fairness#BARGING} (the default): released permits (from a {@code close()} or a
 *     {@code release(n)}) go back to the pool and the first waiter is woken; a caller already
 *     running may take free permits before it gets to them ({@link #tryAcquire()} and
 *     {@link #tryTake()} succeed whenever enough are free). Once the first waiter has been
 *     overtaken for {@link Fairness#STARVATION_THRESHOLD} (1 ms) or longer, released permits go
 *     directly to the waiters in arrival order and nobody overtakes them ({@code tryAcquire}
 *     returns {@code null}, {@code tryTake} false) until every waiter queued at that moment has
 *     been served; then barging resumes (see {@link Fairness#BARGING} for the exact rule). So a
 *     large request is not starved by a stream of small ones either. A waiter that has no thread
 *     ({@link #acquireAsync}, {@link #takeAsync}) is granted directly when it is first and enough
 *     permits are free.</li>
 * <li>{@link Fairness#FIFO}: strictly first come, first served. A caller never overtakes an
 *     earlier waiter, not even with {@code tryAcquire} or {@code tryTake}, which succeed only when
 *     nobody waits.</li>
 * </ul>
 * <b>Timeouts and cancellation</b>, the same for {@code acquire} and {@code take}: a wait that
 * times out ({@link GuardTimeoutException}), is interrupted or whose future is cancelled holds
 * nothing, takes nothing and releases nothing; the waiters behind it move up. A cancel that returns
 * true won: nothing was taken. One that returns false lost to the grant: the future completes
 * normally, with the permit of an {@code acquireAsync} (which the caller must close) or, for a
 * {@code takeAsync}, with the permits taken.
 *
 * <p><b>Metrics.</b> A take is reported to the {@link PrimitiveListener} as a wait, like an
 * acquisition (an arrival, then its outcome and wait time), with no hold: nothing is ever reported
 * released for it. {@link Snapshot#capacity()} is {@link #capacity()} at that instant and
 * {@link Snapshot#active()} the permits held.
 *
 * <p><b>Memory:</b> actions before a permit's {@code close()} or a {@code release(n)} happen-before
 * the acquisitions and takes it enables.
 *
 * <p><b>Cluster semaphores</b> (scope CLUSTER): their permits are fixed by configuration, so
 * {@code release(n)} and the takes throw {@link UnsupportedOperationException} there.
 */
public interface Semaphore extends Acquirable {

    /** An uninstrumented {@link Fairness#BARGING} semaphore with {@code permits} (0 or more) free permits. */
    static Semaphore create(String name, int permits) {
        return new LocalSemaphore(name, permits, Integer.MAX_VALUE, Fairness.BARGING, PrimitiveListener.NONE);
    }

    /** A {@link Fairness#BARGING} semaphore reporting to {@code listener}. */
    static Semaphore create(String name, int permits, PrimitiveListener listener) {
        return new LocalSemaphore(name, permits, Integer.MAX_VALUE, Fairness.BARGING, listener);
    }

    /** A semaphore with the given ordering, reporting to {@code listener} ({@link PrimitiveListener#NONE} for none). */
    static Semaphore create(String name, int permits, Fairness fairness, PrimitiveListener listener) {
        return new LocalSemaphore(name, permits, Integer.MAX_VALUE, fairness, listener);
    }

    /**
     * An uninstrumented {@link Fairness#BARGING} bounded semaphore (asyncio's
     * {@code BoundedSemaphore}) with {@code permits} (1 or more) free permits, which are also its
     * {@link #bound()}.
     */
    static Semaphore bounded(String name, int permits) {
        return bounded(name, permits, Fairness.BARGING, PrimitiveListener.NONE);
    }

    /** A {@link Fairness#BARGING} bounded semaphore reporting to {@code listener}. */
    static Semaphore bounded(String name, int permits, PrimitiveListener listener) {
        return bounded(name, permits, Fairness.BARGING, listener);
    }

    /** A bounded semaphore with the given ordering, reporting to {@code listener} ({@link PrimitiveListener#NONE} for none). */
    static Semaphore bounded(String name, int permits, Fairness fairness, PrimitiveListener listener) {
        if (permits < 1) {
            throw new IllegalArgumentException(Kind.SEMAPHORE.tag() + " '" + name
                    + "': a bounded semaphore needs at least 1 permit (with 0 it could never have one), was " + permits);
        }
        return new LocalSemaphore(name, permits, permits, fairness, listener);
    }

    @Override
    default Kind kind() {
        return Kind.SEMAPHORE;
    }

    /**
     * Waits for {@code permits} permits (1 to {@link #bound()}) at most {@code timeout}; see
     * {@link Acquirable#acquire(Duration)}. On an unbounded semaphore a request for more permits
     * than exist now waits for {@link #release(int)} to add them.
     */
    Permit acquire(int permits, Duration timeout) throws InterruptedException;

    /** Takes {@code permits} permits if free and the ordering allows it (see above); otherwise {@code null}. */
    Permit tryAcquire(int permits);

    /** Async wait for {@code permits} permits; see {@link Acquirable#acquireAsync(Duration)}. */
    CompletableFuture<Permit> acquireAsync(int permits, Duration timeout);

    /** {@link #release(int) release(1)}. */
    default void release() {
        release(1);
    }

    /**
     * Adds {@code permits} (1 or more) permits that no acquisition took (asyncio's
     * {@code release()}): they wake the waiters as a {@code close()} does, under the ordering above.
     * Not for giving back a {@link Permit}: close that instead.
     *
     * @throws IllegalStateException when free plus held permits would exceed {@link #bound()}
     *         (nothing is added; the message names the bound and the free and held permits)
     * @throws UnsupportedOperationException on a cluster semaphore, whose permits are fixed
     */
    void release(int permits);

    /** Takes one permit for good, waiting as long as it takes; see {@link #take(int, Duration)}. */
    default void take() throws InterruptedException {
        take(1, Durations.FOREVER);
    }

    /** Takes one permit for good, waiting at most {@code timeout}; see {@link #take(int, Duration)}. */
    default void take(Duration timeout) throws InterruptedException {
        take(1, timeout);
    }

    /**
     * Waits for {@code permits} permits (1 to {@link #bound()}) at most {@code timeout}, in the same
     * queue as {@link #acquire(int, Duration)}, and takes them out of the pool for good: nothing is
     * held, nothing is to be closed, and {@link #capacity()} falls by {@code permits}.
     * {@link Duration#ZERO} tries once.
     *
     * @throws GuardTimeoutException when the timeout runs out (nothing was taken)
     * @throws InterruptedException when interrupted while waiting (nothing was taken)
     * @throws UnsupportedOperationException on a cluster semaphore, whose permits are fixed
     */
    void take(int permits, Duration timeout) throws InterruptedException;

    /** {@link #tryTake(int) tryTake(1)}. */
    default boolean tryTake() {
        return tryTake(1);
    }

    /**
     * Takes {@code permits} permits for good if free and the ordering allows it (see above), as
     * {@link #tryAcquire(int)} would; true when taken. Never waits.
     *
     * @throws UnsupportedOperationException on a cluster semaphore, whose permits are fixed
     */
    boolean tryTake(int permits);

    /** Async take of one permit with no timeout; see {@link #takeAsync(int, Duration)}. */
    default CompletableFuture<Void> takeAsync() {
        return takeAsync(1, Durations.FOREVER);
    }

    /** Async take of one permit; see {@link #takeAsync(int, Duration)}. */
    default CompletableFuture<Void> takeAsync(Duration timeout) {
        return takeAsync(1, timeout);
    }

    /**
     * Async {@link #take(int, Duration)}: the future completes (with null) once the permits are
     * taken, or fails with {@link GuardTimeoutException} when {@code timeout} runs out (nothing
     * taken). Cancelling it withdraws the wait: true, nothing was taken and the waiters behind move
     * up; false, the permits were taken first and the future completes normally.
     *
     * @throws UnsupportedOperationException on a cluster semaphore, whose permits are fixed
     */
    CompletableFuture<Void> takeAsync(int permits, Duration timeout);

    /** Permits free right now. */
    int availablePermits();

    /**
     * The permits that exist now, free plus held: the permits it was created with, plus those
     * {@link #release(int)} added, minus those taken. Fixed for a cluster semaphore.
     */
    int capacity();

    /**
     * The most permits (free plus held) it can ever have, and the largest request: a bounded
     * semaphore's initial permits, a cluster semaphore's configured ones, {@link Integer#MAX_VALUE}
     * for an unbounded semaphore.
     */
    int bound();
}
