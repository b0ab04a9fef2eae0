package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.signalbox.core.ReadWriteSync.READ;
import static dev.signalbox.core.ReadWriteSync.WRITE;

/**
 * The in-JVM {@link ReadWriteLock}: a {@link ReadWriteSync} with instrumentation. Both sides share
 * one {@link Probe} (reporting this lock as the primitive), one holder set and one wait list; a
 * waiter's {@link Waiter#amount} is its mode.
 */
final class LocalReadWriteLock implements ReadWriteLock, WaitOwner<Permit> {

    private final String name;
    private final ReadWriteSync sync = new ReadWriteSync();
    private final Probe probe;
    /** Current holds, tracked only while instrumented. */
    private final HolderTracker holders;
    private final Side readSide = new Side(READ);
    private final Side writeSide = new Side(WRITE);

    LocalReadWriteLock(String name, PrimitiveListener listener) {
        this.name = Names.require(name);
        this.probe = new Probe(this, listener);
        this.holders = probe.on ? new HolderTracker() : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Acquirable readLock() {
        return readSide;
    }

    @Override
    public Acquirable writeLock() {
        return writeSide;
    }

    @Override
    public boolean isWriteLocked() {
        return sync.isWriteLocked();
    }

    @Override
    public int readHolders() {
        return sync.readHolders();
    }

    private Permit acquire(int mode, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        if (sync.tryAcquire(mode)) {
            return handOut(mode, arrivedAt, LeakDetection.sample(), true);
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            throw timedOut(timeout);
        }
        BlockingWaiter<Permit> waiter = new BlockingWaiter<>(this, mode, arrivedAt);
        if (sync.acquireOrEnqueue(waiter) || waiter.await(timeoutNanos)) {
            return handOut(mode, arrivedAt, LeakDetection.sample(), true);
        }
        throw timedOut(timeout);
    }

    private Permit tryAcquire(int mode) {
        long arrivedAt = probe.arrive();
        if (sync.tryAcquire(mode)) {
            return handOut(mode, arrivedAt, LeakDetection.sample(), true);
        }
        probe.waitEnded(arrivedAt, Outcome.REJECTED);
        return null;
    }

    private CompletableFuture<Permit> acquireAsync(int mode, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        if (sync.tryAcquire(mode)) {
            return CompletableFuture.completedFuture(handOut(mode, arrivedAt, LeakDetection.sample(), false));
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            return CompletableFuture.failedFuture(timedOut(timeout));
        }
        AsyncWaiter<Permit> waiter = new AsyncWaiter<>(this, mode, arrivedAt);
        waiter.attachment = LeakDetection.sample();
        if (sync.acquireOrEnqueue(waiter)) {
            return CompletableFuture.completedFuture(handOut(mode, arrivedAt, (String) waiter.attachment, false));
        }
        waiter.armTimeout(timeoutNanos, () -> timedOut(timeout));
        return waiter.future;
    }

    private GuardTimeoutException timedOut(Duration timeout) {
        return new GuardTimeoutException(name, Kind.READ_WRITE_LOCK, timeout);
    }

    /** Async grants only: blocking waiters hand out their own permit once {@code await} returns. */
    @Override
    public Permit granted(Waiter<Permit> waiter) {
        return handOut(waiter.amount, waiter.arrivedAt, (String) waiter.attachment, false);
    }

    @Override
    public void abandon(Waiter<Permit> waiter, Outcome outcome) {
        sync.remove(waiter);
        probe.waitEnded(waiter.arrivedAt, outcome);
    }

    private Permit handOut(int mode, long arrivedAt, String leakTrace, boolean blocking) {
        long acquiredAt = probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
        String holder = holders == null ? null
                : HolderTracker.describeCurrentThread(blocking) + (mode == READ ? " (read)" : " (write)");
        HeldSide permit = new HeldSide(this, mode, acquiredAt, holder);
        if (holders != null) {
            holders.add(permit);
        }
        return LeakDetection.track(permit, this, leakTrace);
    }

    /** Ends a hold; called once per permit. */
    private void release(HeldSide permit) {
        if (holders != null) {
            holders.remove(permit);
        }
        sync.release(permit.mode);
        probe.released(permit.acquiredAt);
    }

    @Override
    public Snapshot snapshot() {
        int active = sync.isWriteLocked() ? 1 : sync.readHolders();
        List<Holder> holderList = holders == null ? List.of() : holders.list();
        return new Snapshot(name, Kind.READ_WRITE_LOCK, sync.waiting(), active, 0, holderList);
    }

    @Override
    public String toString() {
        return Kind.READ_WRITE_LOCK.tag() + " '" + name + "' ("
                + (sync.isWriteLocked() ? "write-locked" : sync.readHolders() + " readers") + ")";
    }

    /** One side of the lock, as seen by callers. */
    private final class Side implements Acquirable {

        private final int mode;

        Side(int mode) {
            this.mode = mode;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Kind kind() {
            return Kind.READ_WRITE_LOCK;
        }

        @Override
        public Snapshot snapshot() {
            return LocalReadWriteLock.this.snapshot();
        }

        @Override
        public Permit acquire(Duration timeout) throws InterruptedException {
            return LocalReadWriteLock.this.acquire(mode, timeout);
        }

        @Override
        public Permit tryAcquire() {
            return LocalReadWriteLock.this.tryAcquire(mode);
        }

        @Override
        public CompletableFuture<Permit> acquireAsync(Duration timeout) {
            return LocalReadWriteLock.this.acquireAsync(mode, timeout);
        }

        @Override
        public String toString() {
            return (mode == READ ? "read side of " : "write side of ") + LocalReadWriteLock.this;
        }
    }

    /** A read or write hold, released exactly once. */
    private static final class HeldSide implements Permit, HolderTracker.Hold {

        private static final VarHandle RELEASED;

        static {
            try {
                RELEASED = MethodHandles.lookup().findVarHandle(HeldSide.class, "released", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final LocalReadWriteLock lock;
        final int mode;
        private final long acquiredAt;
        private final String holder;
        private volatile boolean released;

        HeldSide(LocalReadWriteLock lock, int mode, long acquiredAt, String holder) {
            this.lock = lock;
            this.mode = mode;
            this.acquiredAt = acquiredAt;
            this.holder = holder;
        }

        @Override
        public void close() {
            if (RELEASED.compareAndSet(this, false, true)) {
                lock.release(this);
            }
        }

        @Override
        public boolean isHeld() {
            return !released;
        }

        @Override
        public String holder() {
            return holder;
        }

        @Override
        public int permits() {
            return 1;
        }

        @Override
        public long acquiredAt() {
            return acquiredAt;
        }

        @Override
        public String toString() {
            return (mode == READ ? "read" : "write") + " permit of " + lock + (released ? ", released" : ", held");
        }
    }
}
