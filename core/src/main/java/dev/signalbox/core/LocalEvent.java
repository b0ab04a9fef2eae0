package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-JVM {@link Event}.
 *
 * <p>The flag is a volatile field, so a caller that finds the event set returns after one read,
 * without the lock. Waiters queue in a {@link WaitList} under an internal lock; a waiter re-checks
 * the flag under that lock before it enqueues, and {@link #set()} raises the flag and drains the
 * list under the same lock, so no waiter can enqueue after a {@code set()} has drained and miss it.
 * The drained waiters are granted under the lock and woken after it is released.
 */
final class LocalEvent implements Event, WaitOwner<Void> {

    private final String name;
    private final Probe probe;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitList waiters = new WaitList();
    /** Written only under {@link #lock}; read anywhere. */
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
        List<Waiter<?>> released;
        lock.lock();
        try {
            set = true;
            released = waiters.grantFromHead(Integer.MAX_VALUE);
        } finally {
            lock.unlock();
        }
        Wakeups.wakeAll(released);
    }

    @Override
    public void clear() {
        if (!set) {
            return;
        }
        lock.lock();
        try {
            set = false;
        } finally {
            lock.unlock();
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
        BlockingWaiter<Void> waiter = new BlockingWaiter<>(this, 1, arrivedAt);
        if (!enqueueUnlessSet(waiter) || waiter.await(timeoutNanos)) {
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
        AsyncWaiter<Void> waiter = new AsyncWaiter<>(this, 1, arrivedAt);
        if (!enqueueUnlessSet(waiter)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(null);
        }
        waiter.armTimeout(timeoutNanos, () -> timeoutException(timeout));
        return waiter.future;
    }

    /** Enqueues {@code waiter} unless the event is set (re-checked under the lock); true when enqueued. */
    private boolean enqueueUnlessSet(Waiter<Void> waiter) {
        lock.lock();
        try {
            if (set) {
                return false;
            }
            waiters.add(waiter);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private GuardTimeoutException timeoutException(Duration timeout) {
        return new GuardTimeoutException(name, Kind.EVENT, timeout);
    }

    /** Async grants only: a blocking waiter reports its own wait once {@code await} returns. */
    @Override
    public Void granted(Waiter<Void> waiter) {
        probe.waitEnded(waiter.arrivedAt, Outcome.ACQUIRED);
        return null;
    }

    @Override
    public void abandon(Waiter<Void> waiter, Outcome outcome) {
        lock.lock();
        try {
            waiters.remove(waiter);
        } finally {
            lock.unlock();
        }
        probe.waitEnded(waiter.arrivedAt, outcome);
    }

    @Override
    public Snapshot snapshot() {
        int waiting;
        lock.lock();
        try {
            waiting = waiters.size();
        } finally {
            lock.unlock();
        }
        return new Snapshot(name, Kind.EVENT, waiting, set ? 1 : 0, 1, List.of());
    }

    @Override
    public String toString() {
        return "event '" + name + "' (" + (set ? "set" : "clear") + ")";
    }
}
