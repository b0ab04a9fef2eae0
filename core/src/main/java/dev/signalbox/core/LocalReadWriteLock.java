package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.spi.Probe;

import static dev.signalbox.core.ReadWriteSync.READ;
import static dev.signalbox.core.ReadWriteSync.WRITE;

/**
 * The in-JVM {@link ReadWriteLock}: a {@link ReadWriteSync} with instrumentation. Both sides share
 * one {@link Probe} (reporting this lock as the primitive), one holder set and one wait list; a
 * waiter's {@link Waiter#amount} is its mode.
 */
final class LocalReadWriteLock extends SyncPrimitive<Permit, ReadWriteSync> implements ReadWriteLock {

    /** Current holds, tracked only while instrumented. */
    private final HolderTracker holders;
    private final Side readSide = new Side(READ);
    private final Side writeSide = new Side(WRITE);

    LocalReadWriteLock(String name, PrimitiveListener listener) {
        super(name, new ReadWriteSync(), listener);
        this.holders = probe.on ? new HolderTracker() : null;
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

    @Override
    Permit handOut(int mode, long arrivedAt, String leakTrace, boolean blocking) {
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
        probe.released(permit.acquiredAt());
    }

    @Override
    public Snapshot snapshot() {
        int active = sync.isWriteLocked() ? 1 : sync.readHolders();
        List<Holder> holderList = holders == null ? List.of() : holders.list();
        return new Snapshot(name(), Kind.READ_WRITE_LOCK, sync.waiting(), active, 0, holderList);
    }

    @Override
    public String toString() {
        return Kind.READ_WRITE_LOCK.tag() + " '" + name() + "' ("
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
            return LocalReadWriteLock.this.name();
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
            return acquireBlocking(mode, timeout);
        }

        @Override
        public Permit tryAcquire() {
            return acquireNow(mode);
        }

        @Override
        public CompletableFuture<Permit> acquireAsync(Duration timeout) {
            return acquireLater(mode, timeout);
        }

        @Override
        public String toString() {
            return (mode == READ ? "read side of " : "write side of ") + LocalReadWriteLock.this;
        }
    }

    /** A read or write hold, released exactly once. */
    private static final class HeldSide extends OnceReleasedHold {

        private final LocalReadWriteLock lock;
        final int mode;

        HeldSide(LocalReadWriteLock lock, int mode, long acquiredAt, String holder) {
            super(acquiredAt, holder);
            this.lock = lock;
            this.mode = mode;
        }

        @Override
        void release() {
            lock.release(this);
        }

        @Override
        public String toString() {
            return (mode == READ ? "read" : "write") + " permit of " + lock + (isHeld() ? ", held" : ", released");
        }
    }
}
