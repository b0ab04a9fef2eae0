package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.spi.Probe;

/**
 * The three ways of waiting on a {@link WaitEngine} (try-once, blocking, async), shared by every
 * primitive built on one: {@link LocalLock}, {@link LocalSemaphore}, {@link LocalResourcePool} (on a
 * {@link PermitSync}) and {@link LocalReadWriteLock} (on a {@link ReadWriteSync}).
 * Each reports to the {@link Probe} exactly once per wait; what a caller receives once granted
 * (a {@link Permit}, a {@link Lease}) is the subclass's {@link #handOut}. A waiter's request is
 * the leak trace of an async caller, sampled on the caller's thread (a blocking caller samples its
 * own once granted, and its waiter carries none).
 *
 * @param <P> what a granted caller receives
 * @param <E> the engine
 */
abstract class SyncPrimitive<P, E extends WaitEngine> implements Primitive, WaitOwner<P, String> {

    @Override
    public WaitList<? super Waiter<P, String>> waitList() {
        return sync.waiters();
    }

    private final String name;
    final E sync;
    final Probe probe;

    SyncPrimitive(String name, E engine, PrimitiveListener listener) {
        this.name = Names.require(name);
        this.sync = engine;
        this.probe = new Probe(this, listener);
    }

    @Override
    public final String name() {
        return name;
    }

    /**
     * Turns {@code amount} just acquired into what the caller receives, and reports the end of the wait.
     *
     * @param leakTrace where to report a leak of the result from, or null when it is not tracked
     * @param blocking true when the current thread is the caller (not a thread delivering an async grant)
     */
    abstract P handOut(int amount, long arrivedAt, String leakTrace, boolean blocking);

    final P acquireBlocking(int amount, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arriveAtOnce();
        if (sync.tryAcquire(amount)) {
            return handOut(amount, arrivedAt, LeakDetection.sample(), true);
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            throw new GuardTimeoutException(name, kind(), timeout);
        }
        arrivedAt = probe.now();
        BlockingWaiter<P, String> waiter = new BlockingWaiter<>(this, amount, null, arrivedAt);
        if (sync.waiters().enqueue(waiter) || waiter.await(timeoutNanos)) {
            return handOut(amount, arrivedAt, LeakDetection.sample(), true);
        }
        throw new GuardTimeoutException(name, kind(), timeout);
    }

    /** Null when the permits are not free right now (or somebody waits for them). */
    final P acquireNow(int amount) {
        long arrivedAt = probe.arriveAtOnce();
        if (sync.tryAcquire(amount)) {
            return handOut(amount, arrivedAt, LeakDetection.sample(), true);
        }
        probe.waitEnded(arrivedAt, Outcome.REJECTED);
        return null;
    }

    final CompletableFuture<P> acquireLater(int amount, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arriveAtOnce();
        if (sync.tryAcquire(amount)) {
            return CompletableFuture.completedFuture(handOut(amount, arrivedAt, LeakDetection.sample(), false));
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            return CompletableFuture.failedFuture(new GuardTimeoutException(name, kind(), timeout));
        }
        arrivedAt = probe.now();
        // The request is the leak trace: taken here, on the caller's thread, not where the grant is delivered.
        AsyncWaiter<P, String> waiter = new AsyncWaiter<>(this, amount, LeakDetection.sample(), arrivedAt);
        if (sync.waiters().enqueue(waiter)) {
            return CompletableFuture.completedFuture(handOut(amount, arrivedAt, waiter.request, false));
        }
        waiter.armTimeout(timeoutNanos, () -> new GuardTimeoutException(name, kind(), timeout));
        return waiter.future;
    }

    /** Async grants only: blocking waiters hand out their own result once {@code await} returns. */
    @Override
    public final P granted(Waiter<P, String> waiter) {
        return handOut(waiter.amount, waiter.arrivedAt, waiter.request, false);
    }

    @Override
    public final void ended(Waiter<P, String> waiter, Outcome outcome) {
        probe.waitEnded(waiter.arrivedAt, outcome);
    }
}
