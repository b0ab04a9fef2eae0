package dev.signalbox.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The in-JVM {@link Semaphore}: a {@link PermitSync} with instrumentation. Takes wait in the engine's
 * queue like acquisitions, as waiters of {@link #taker}, which the engine makes consuming.
 */
final class LocalSemaphore extends PermitPrimitive implements Semaphore {

    /** Waits of takes: granted permits leave the pool; reported as a wait with no hold. */
    private final WaitOwner<Void, Void> taker = newWaitOnlyOwner();

    /** @param bound {@link Integer#MAX_VALUE} for an unbounded semaphore, else its initial permits */
    LocalSemaphore(String name, int permits, int bound, Fairness fairness, PrimitiveListener listener) {
        this(name, permits, bound, Objects.requireNonNull(fairness, "fairness").handOffAfterNanos(), listener);
    }

    /** An unbounded semaphore with any starvation threshold: 0 is FIFO; tests also use {@link Long#MAX_VALUE}, barging that never hands off. */
    LocalSemaphore(String name, int permits, long handOffAfterNanos, PrimitiveListener listener) {
        this(name, permits, Integer.MAX_VALUE, handOffAfterNanos, listener);
    }

    private LocalSemaphore(String name, int permits, int bound, long handOffAfterNanos, PrimitiveListener listener) {
        super(name, permits, bound, handOffAfterNanos, listener);
        sync.consumeFor(taker);
    }

    @Override
    public Permit acquire(int permits, Duration timeout) throws InterruptedException {
        return acquirePermits(permits, timeout);
    }

    @Override
    public Permit tryAcquire(int permits) {
        return tryAcquirePermits(permits);
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(int permits, Duration timeout) {
        return acquirePermitsAsync(permits, timeout);
    }

    @Override
    public void release(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException(kind().tag() + " '" + name() + "': cannot release " + permits
                    + " permits; release at least 1");
        }
        if (!sync.add(permits, bound())) {
            PermitSync.Counts counts = sync.counts();
            String what = bound() == Integer.MAX_VALUE
                    ? "it cannot have more than " + Integer.MAX_VALUE + " permits"
                    : "its bound is " + bound() + " permits";
            throw new IllegalStateException(kind().tag() + " '" + name() + "': cannot release " + permits
                    + " permits: " + what + " (free plus held), and " + counts.free() + " are free and "
                    + counts.held() + " held; release only permits that were taken (take/tryTake), and give"
                    + " back an acquired Permit by closing it, not by release()");
        }
    }

    @Override
    public void take(int permits, Duration timeout) throws InterruptedException {
        checkAmount(permits);
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arriveAtOnce();
        if (sync.tryTake(permits)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return;
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            throw new GuardTimeoutException(name(), kind(), timeout);
        }
        arrivedAt = probe.now();
        BlockingWaiter<Void, Void> waiter = new BlockingWaiter<>(taker, permits, null, arrivedAt);
        if (sync.waiters().enqueue(waiter) || waiter.await(timeoutNanos)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return;
        }
        throw new GuardTimeoutException(name(), kind(), timeout);
    }

    @Override
    public boolean tryTake(int permits) {
        checkAmount(permits);
        long arrivedAt = probe.arriveAtOnce();
        boolean taken = sync.tryTake(permits);
        probe.waitEnded(arrivedAt, taken ? Outcome.ACQUIRED : Outcome.REJECTED);
        return taken;
    }

    @Override
    public CompletableFuture<Void> takeAsync(int permits, Duration timeout) {
        checkAmount(permits);
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arriveAtOnce();
        if (sync.tryTake(permits)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(null);
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            return CompletableFuture.failedFuture(new GuardTimeoutException(name(), kind(), timeout));
        }
        arrivedAt = probe.now();
        AsyncWaiter<Void, Void> waiter = new AsyncWaiter<>(taker, permits, null, arrivedAt);
        if (sync.waiters().enqueue(waiter)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(null);
        }
        waiter.armTimeout(timeoutNanos, () -> new GuardTimeoutException(name(), kind(), timeout));
        return waiter.future;
    }

    @Override
    public int availablePermits() {
        return sync.available();
    }

    /** Like asyncio's repr: the free and total permits, the waiters when there are any, and the bound of a bounded one. */
    @Override
    public String toString() {
        PermitSync.Counts counts = sync.counts();
        int waiting = sync.waiting();
        return kind().tag() + " '" + name() + "' (" + counts.free() + "/" + counts.total() + " free"
                + (waiting > 0 ? ", " + waiting + " waiting" : "")
                + (bound() == Integer.MAX_VALUE ? "" : ", bound " + bound()) + ")";
    }
}
