package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link LocalLock} and {@link LocalSemaphore} share: waiting for permits of a {@link PermitSync}
 * in all three forms, reporting to the {@link Probe}, handing out {@link HeldPermit}s, and tracking
 * holders for snapshots (only while instrumented, so an uninstrumented primitive pays nothing for it).
 */
abstract class PermitPrimitive implements Acquirable, WaitOwner<Permit> {

    private final String name;
    private final int capacity;
    final PermitSync sync;
    final Probe probe;
    private final Set<HeldPermit> holders;

    PermitPrimitive(String name, int capacity, PrimitiveListener listener) {
        this.name = requireName(name);
        if (capacity < 1) {
            throw new IllegalArgumentException(kind().tag() + " '" + name + "': permits must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.sync = new PermitSync(capacity);
        this.probe = new Probe(this, listener);
        this.holders = probe.on ? ConcurrentHashMap.newKeySet() : null;
    }

    static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a primitive needs a non-blank name (it names its metrics and log lines)");
        }
        return name;
    }

    @Override
    public final String name() {
        return name;
    }

    public int capacity() {
        return capacity;
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
        long timeoutNanos = Durations.toNanos(timeout);
        checkAmount(n);
        long arrivedAt = probe.arrive();
        if (sync.tryAcquire(n)) {
            return handOut(n, arrivedAt, LeakDetection.sample(), true);
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            throw new GuardTimeoutException(name, kind(), timeout);
        }
        BlockingWaiter<Permit> waiter = new BlockingWaiter<>(this, n, arrivedAt);
        if (sync.acquireOrEnqueue(waiter) || waiter.await(timeoutNanos)) {
            return handOut(n, arrivedAt, LeakDetection.sample(), true);
        }
        throw new GuardTimeoutException(name, kind(), timeout);
    }

    final Permit tryAcquirePermits(int n) {
        checkAmount(n);
        long arrivedAt = probe.arrive();
        if (sync.tryAcquire(n)) {
            return handOut(n, arrivedAt, LeakDetection.sample(), true);
        }
        probe.waitEnded(arrivedAt, Outcome.REJECTED);
        return null;
    }

    final CompletableFuture<Permit> acquirePermitsAsync(int n, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        checkAmount(n);
        long arrivedAt = probe.arrive();
        if (sync.tryAcquire(n)) {
            return CompletableFuture.completedFuture(handOut(n, arrivedAt, LeakDetection.sample(), false));
        }
        if (timeoutNanos == 0L) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            return CompletableFuture.failedFuture(new GuardTimeoutException(name, kind(), timeout));
        }
        AsyncWaiter<Permit> waiter = new AsyncWaiter<>(this, n, arrivedAt);
        waiter.attachment = LeakDetection.sample();
        if (sync.acquireOrEnqueue(waiter)) {
            return CompletableFuture.completedFuture(handOut(n, arrivedAt, (String) waiter.attachment, false));
        }
        waiter.armTimeout(timeoutNanos, () -> new GuardTimeoutException(name, kind(), timeout));
        return waiter.future;
    }

    /** Async grants only: blocking waiters hand out their own permit once {@code await} returns. */
    @Override
    public final Permit granted(Waiter<Permit> waiter) {
        return handOut(waiter.amount, waiter.arrivedAt, (String) waiter.attachment, false);
    }

    @Override
    public final void abandon(Waiter<Permit> waiter, Outcome outcome) {
        sync.remove(waiter);
        probe.waitEnded(waiter.arrivedAt, outcome);
    }

    private Permit handOut(int n, long arrivedAt, String leakTrace, boolean blocking) {
        long acquiredAt = probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
        HeldPermit permit = new HeldPermit(this, n, acquiredAt, holders == null ? null : describeHolder(blocking));
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

    private void checkAmount(int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException(kind().tag() + " '" + name + "': cannot acquire " + n
                    + " permits; ask for 1 to " + capacity);
        }
    }

    private static String describeHolder(boolean blocking) {
        Thread t = Thread.currentThread();
        String thread = t.getName().isEmpty() ? (t.isVirtual() ? "virtual-" : "thread-") + t.threadId() : t.getName();
        return blocking ? thread : "async (granted on " + thread + ")";
    }

    @Override
    public Snapshot snapshot() {
        int available = sync.available();
        return new Snapshot(name, kind(), sync.waiting(), capacity - available, capacity, holderList());
    }

    final List<Holder> holderList() {
        if (holders == null || holders.isEmpty()) {
            return List.of();
        }
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        List<Holder> list = new ArrayList<>();
        for (HeldPermit p : holders) {
            Duration held = Duration.ofNanos(Math.max(0L, now - p.acquiredAt));
            list.add(new Holder(p.holder, p.permits, wallNow.minus(held), held));
        }
        list.sort(Comparator.comparing(Holder::since));
        return list;
    }

    @Override
    public String toString() {
        return kind().tag() + " '" + name + "' (" + sync.available() + "/" + capacity + " free)";
    }

    /**
     * The permit handed to callers; released exactly once. A {@link Condition} wait suspends it (the
     * lock is free meanwhile) and resumes it once the lock is re-acquired; a {@code close()} that
     * arrives while suspended is carried out at resumption, so it can never release a lock that the
     * permit does not hold.
     */
    static final class HeldPermit implements Permit {

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
        public String toString() {
            return "permit of " + primitive + (state == RELEASED ? ", released" : ", held");
        }
    }
}
