package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.spi.Probe;

/**
 * The in-JVM {@link Event}.
 *
 * <p>The flag is a volatile field, so a caller that finds the event set returns after one read,
 * without the lock. Waiters queue in a {@link WaitList} of a {@link WaitQueue}: a waiter is
 * admitted at once if the flag is up when it enqueues ({@link #admit}, under the queue's lock), and
 * {@link #set()} raises the flag and grants the whole list under the same lock, so no waiter can
 * enqueue after a {@code set()} has drained and miss it. The drained waiters are woken after the
 * lock is released.
 */
final class LocalEvent implements Event, WaitOwner<Void, Void>, WaitPolicy<Waiter<Void, Void>> {

    private final String name;
    private final Probe probe;
    private final WaitQueue queue = new WaitQueue();
    private final WaitList<Waiter<Void, Void>> waiters = new WaitList<>(queue, this);

    @Override
    public WaitList<? super Waiter<Void, Void>> waitList() {
        return waiters;
    }
    /** Written only under the queue's lock; read anywhere. */
    private volatile boolean set;

    LocalEvent(String name, PrimitiveListener listener) {
        this.name = Names.require(name);
        this.probe = new Probe(this, listener);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void set() {
        if (set) {
            return;
        }
        queue.lock();
        try {
            set = true;
            waiters.grantFromHead(Integer.MAX_VALUE);
        } finally {
            queue.unlock();
        }
    }

    @Override
    public void clear() {
        if (!set) {
            return;
        }
        queue.lock();
        try {
            set = false;
        } finally {
            queue.unlock();
        }
    }

    @Override
    public boolean isSet() {
        return set;
    }

    @Override
    public void await(Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        probe.arriveAtOnce();
        if (set) {
            probe.endedAtOnce(Outcome.ACQUIRED);
            return;
        }
        if (timeoutNanos == 0L) {
            probe.endedAtOnce(Outcome.REJECTED);
            throw timeoutException(timeout);
        }
        long arrivedAt = probe.now();
        BlockingWaiter<Void, Void> waiter = new BlockingWaiter<>(this, 1, null, arrivedAt);
        if (waiters.enqueue(waiter) || waiter.await(timeoutNanos)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return;
        }
        throw timeoutException(timeout);
    }

    @Override
    public CompletableFuture<Void> awaitAsync(Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        probe.arriveAtOnce();
        if (set) {
            probe.endedAtOnce(Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(null);
        }
        if (timeoutNanos == 0L) {
            probe.endedAtOnce(Outcome.REJECTED);
            return CompletableFuture.failedFuture(timeoutException(timeout));
        }
        long arrivedAt = probe.now();
        AsyncWaiter<Void, Void> waiter = new AsyncWaiter<>(this, 1, null, arrivedAt);
        if (waiters.enqueue(waiter)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(null);
        }
        waiter.armTimeout(timeoutNanos, () -> timeoutException(timeout));
        return waiter.future;
    }

    /** Under the queue's lock: a waiter that finds the event set (re-checked here) does not queue. */
    @Override
    public boolean admit(Waiter<Void, Void> waiter) {
        return set;
    }

    private GuardTimeoutException timeoutException(Duration timeout) {
        return new GuardTimeoutException(name, Kind.EVENT, timeout);
    }

    /** Async grants only: a blocking waiter reports its own wait once {@code await} returns. */
    @Override
    public Void granted(Waiter<Void, Void> waiter) {
        probe.waitEnded(waiter.arrivedAt, Outcome.ACQUIRED);
        return null;
    }

    @Override
    public void ended(Waiter<Void, Void> waiter, Outcome outcome) {
        probe.waitEnded(waiter.arrivedAt, outcome);
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, Kind.EVENT, waiters.waiting(), set ? 1 : 0, 1, List.of());
    }

    @Override
    public String toString() {
        return "event '" + name + "' (" + (set ? "set" : "clear") + ")";
    }
}
