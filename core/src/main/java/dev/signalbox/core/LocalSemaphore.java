package dev.signalbox.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The in-JVM {@link Semaphore}: a {@link PermitSync} with instrumentation. */
final class LocalSemaphore extends PermitPrimitive implements Semaphore {

    LocalSemaphore(String name, int permits, Fairness fairness, PrimitiveListener listener) {
        this(name, permits, Objects.requireNonNull(fairness, "fairness").handOffAfterNanos(), listener);
    }

    /** With any starvation threshold: 0 is FIFO; tests also use {@link Long#MAX_VALUE}, barging that never hands off. */
    LocalSemaphore(String name, int permits, long handOffAfterNanos, PrimitiveListener listener) {
        super(name, permits, handOffAfterNanos, listener);
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
    public int availablePermits() {
        return sync.available();
    }
}
