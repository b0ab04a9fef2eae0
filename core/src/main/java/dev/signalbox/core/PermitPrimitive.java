package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link LocalLock} and {@link LocalSemaphore} share beyond {@link SyncPrimitive}: handing out
 * {@link HeldPermit}s, tracking holders for snapshots (only while instrumented, so an uninstrumented
 * primitive pays nothing for it), and suspending a permit for a {@link Condition} wait.
 */
abstract class PermitPrimitive extends SyncPrimitive<Permit, PermitSync> implements Acquirable {

    /** The most permits (free plus held) it can ever have; also the largest request. */
    private final int bound;
    /** Null when uninstrumented. */
    private final HolderTracker holders;

    /**
     * @param permits the permits it starts with, all free
     * @param bound the most permits it can ever have (at least {@code permits}); {@link Integer#MAX_VALUE}
     *        when only the range of an int limits them
     * @param handOffAfterNanos see {@link Fairness#handOffAfterNanos()}
     */
    PermitPrimitive(String name, int permits, int bound, long handOffAfterNanos, PrimitiveListener listener) {
        super(name, new PermitSync(requirePermits(name, permits), handOffAfterNanos), listener);
        this.bound = bound;
        // Sized by the bound, not by the permits it starts with: those may grow (a semaphore's release(n)).
        this.holders = probe.on ? new HolderTracker(bound) : null;
    }

    /**
     * A new owner for waits that hand out no permit of their own (a lock's condition waiter
     * re-acquiring, a semaphore's take): its grant and end report the wait only, never a hold. Each
     * caller keeps its own instance, since the engine tells such waits apart by owner.
     */
    final WaitOwner<Void, Void> newWaitOnlyOwner() {
        return new WaitOwner<>() {

            @Override
            public WaitList<? super Waiter<Void, Void>> waitList() {
                return sync.waiters();
            }

            @Override
            public Void granted(Waiter<Void, Void> waiter) {
                probe.waitEnded(waiter.arrivedAt, Outcome.ACQUIRED);
                return null;
            }

            @Override
            public void ended(Waiter<Void, Void> waiter, Outcome outcome) {
                probe.waitEnded(waiter.arrivedAt, outcome);
            }
        };
    }

    private static int requirePermits(String name, int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("'" + name + "': permits must be at least 0, was " + permits);
        }
        return permits;
    }

    /** Free plus held permits now. */
    public int capacity() {
        return sync.total();
    }

    /** The most permits it can ever have. */
    public int bound() {
        return bound;
    }

    @Override
    public Permit acquire(Duration timeout) throws InterruptedException {
        return acquirePermits(1, timeout);
    }

    @Override
    public Permit tryAcquire() {
        return tryAcquirePermits(1);
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(Duration timeout) {
        return acquirePermitsAsync(1, timeout);
    }

    final Permit acquirePermits(int n, Duration timeout) throws InterruptedException {
        checkAmount(n);
        return acquireBlocking(n, timeout);
    }

    final Permit tryAcquirePermits(int n) {
        checkAmount(n);
        return acquireNow(n);
    }

    final CompletableFuture<Permit> acquirePermitsAsync(int n, Duration timeout) {
        checkAmount(n);
        return acquireLater(n, timeout);
    }

    @Override
    final Permit handOut(int n, long arrivedAt, String leakTrace, boolean blocking) {
        long acquiredAt = probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
        HeldPermit permit = new HeldPermit(this, n, acquiredAt,
                holders == null ? null : HolderTracker.describeCurrentThread(blocking));
        if (holders != null) {
            holders.add(permit);
        }
        onAcquired(permit, blocking);
        return LeakDetection.track(permit, this, leakTrace);
    }

    /** Hook: a permit was just handed out; {@code blocking} when the current thread is its holder. */
    void onAcquired(HeldPermit permit, boolean blocking) {
    }

    /** Hook: a permit is about to be released (before its permits return to the pool). */
    void onReleasing(HeldPermit permit) {
    }

    /** Gives back a permit's hold; called once per permit. */
    final void release(HeldPermit permit) {
        if (holders != null) {
            holders.remove(permit);
        }
        onReleasing(permit);
        sync.release(permit.permits);
        probe.released(permit.acquiredAt);
    }

    /** Puts a re-acquired, suspended permit back in force (or releases it if it was closed meanwhile). */
    final void reinstate(HeldPermit permit, boolean blocking) {
        permit.acquiredAt = probe.on ? System.nanoTime() : 0L;
        if (holders != null) {
            holders.add(permit);
        }
        onAcquired(permit, blocking);
        if (!permit.resume()) {
            release(permit);
        }
    }

    /** A request must be for 1 to {@link #bound()} permits: more could never be free at once. */
    final void checkAmount(int n) {
        if (n < 1 || n > bound) {
            throw new IllegalArgumentException(kind().tag() + " '" + name() + "': cannot acquire " + n
                    + " permits; ask for " + (bound == Integer.MAX_VALUE ? "at least 1" : "1 to " + bound));
        }
    }

    @Override
    public Snapshot snapshot() {
        PermitSync.Counts counts = sync.counts();
        return new Snapshot(name(), kind(), sync.waiting(), counts.held(), counts.total(),
                holders == null ? List.of() : holders.list());
    }

    @Override
    public String toString() {
        PermitSync.Counts counts = sync.counts();
        return kind().tag() + " '" + name() + "' (" + counts.free() + "/" + counts.total() + " free)";
    }

    /**
     * The permit handed to callers; released exactly once. A {@link Condition} wait suspends it (the
     * lock is free meanwhile) and resumes it once the lock is re-acquired; a {@code close()} that
     * arrives while suspended is carried out at resumption, so it can never release a lock that the
     * permit does not hold.
     */
    static final class HeldPermit implements Permit, HolderTracker.Hold {

        private static final int HELD = 0;
        private static final int SUSPENDED = 1;
        private static final int CLOSE_ON_RESUME = 2;
        private static final int RELEASED = 3;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(HeldPermit.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final PermitPrimitive primitive;
        final int permits;
        final String holder;
        long acquiredAt;
        private volatile int state;

        HeldPermit(PermitPrimitive primitive, int permits, long acquiredAt, String holder) {
            this.primitive = primitive;
            this.permits = permits;
            this.acquiredAt = acquiredAt;
            this.holder = holder;
        }

        @Override
        public void close() {
            for (;;) {
                int s = state;
                if (s == HELD && STATE.compareAndSet(this, HELD, RELEASED)) {
                    primitive.release(this);
                    return;
                }
                if (s == SUSPENDED && STATE.compareAndSet(this, SUSPENDED, CLOSE_ON_RESUME)) {
                    return;
                }
                if (s == CLOSE_ON_RESUME || s == RELEASED) {
                    return;
                }
            }
        }

        @Override
        public boolean isHeld() {
            return state == HELD;
        }

        /** HELD to SUSPENDED; false when not held. */
        boolean suspend() {
            return STATE.compareAndSet(this, HELD, SUSPENDED);
        }

        /** Back to HELD after re-acquisition; false (and the caller must release) when closed meanwhile. */
        boolean resume() {
            if (STATE.compareAndSet(this, SUSPENDED, HELD)) {
                return true;
            }
            STATE.compareAndSet(this, CLOSE_ON_RESUME, RELEASED);
            return false;
        }

        @Override
        public String holder() {
            return holder;
        }

        @Override
        public int permits() {
            return permits;
        }

        @Override
        public long acquiredAt() {
            return acquiredAt;
        }

        @Override
        public String toString() {
            return "permit of " + primitive + (state == RELEASED ? ", released" : ", held");
        }
    }
}
