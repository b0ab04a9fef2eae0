package dev.signalbox.core;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The in-JVM {@link Lock}: a one-permit {@link PermitSync} that remembers its owning thread, and
 * lets a {@link LocalCondition} suspend a permit and re-acquire the lock for it.
 */
final class LocalLock extends PermitPrimitive implements Lock {

    private final PrimitiveListener listener;
    /**
     * The thread of a blocking or try acquisition; null for async holds and when free. Only ever
     * compared with the reading thread, which always sees its own writes: opaque access is enough,
     * and spares the hot path two fences.
     */
    @SuppressWarnings("unused") // accessed through OWNER
    private Thread owner;
    private static final java.lang.invoke.VarHandle OWNER;

    static {
        try {
            OWNER = java.lang.invoke.MethodHandles.lookup().findVarHandle(LocalLock.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Waits of condition waiters re-acquiring the lock: granted into their suspended permit, not a
     * new one. Never withdrawn (a re-acquisition ignores interrupts, and its future is not exposed).
     */
    private final WaitOwner<Void, Void> reacquirer = newWaitOnlyOwner();

    LocalLock(String name, Fairness fairness, PrimitiveListener listener) {
        this(name, Objects.requireNonNull(fairness, "fairness").handOffAfterNanos(), listener);
    }

    /** With any starvation threshold: 0 is FIFO; tests also use {@link Long#MAX_VALUE}, barging that never hands off. */
    LocalLock(String name, long handOffAfterNanos, PrimitiveListener listener) {
        super(name, 1, 1, handOffAfterNanos, listener);
        this.listener = listener;
    }

    @Override
    void onAcquired(HeldPermit permit, boolean blocking) {
        OWNER.setOpaque(this, blocking ? Thread.currentThread() : null);
    }

    @Override
    void onReleasing(HeldPermit permit) {
        OWNER.setOpaque(this, (Thread) null);
    }

    @Override
    public boolean isLocked() {
        return sync.available() == 0;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return OWNER.getOpaque(this) == Thread.currentThread();
    }

    @Override
    public Condition newCondition(String name) {
        return new LocalCondition(name, this, listener);
    }

    @Override
    public Condition newCondition(String name, PrimitiveListener conditionListener) {
        return new LocalCondition(name, this, conditionListener);
    }

    /** The held permit of this lock behind {@code permit}, or an exception saying what is wrong. */
    HeldPermit heldPermit(Permit permit, String conditionName) {
        if (LeakDetection.unwrap(permit) instanceof HeldPermit held && held.primitive == this && held.isHeld()) {
            return held;
        }
        throw new IllegalStateException("condition '" + conditionName + "' needs a permit of lock '" + name()
                + "' that is held now; acquire the lock first and pass its permit");
    }

    /** Frees the lock for a condition wait without ending the permit. */
    void suspend(HeldPermit permit) {
        if (!permit.suspend()) {
            throw new IllegalStateException("the permit of lock '" + name() + "' is not held");
        }
        release(permit);
    }

    /** Re-acquires the lock for a suspended permit, ignoring interrupts (as j.u.c. conditions do). */
    void reacquire(HeldPermit permit) {
        long arrivedAt = probe.arrive();
        if (!sync.tryAcquire(1)) {
            BlockingWaiter<Void, Void> waiter = new BlockingWaiter<>(reacquirer, 1, null, arrivedAt);
            if (!sync.waiters().enqueue(waiter)) {
                waiter.awaitUninterruptibly();
            }
        }
        reinstate(permit, true);
    }

    /** Re-acquires the lock for a suspended permit without parking a thread; cannot be cancelled. */
    CompletableFuture<Void> reacquireAsync(HeldPermit permit) {
        long arrivedAt = probe.arrive();
        if (sync.tryAcquire(1)) {
            reinstate(permit, false);
            return CompletableFuture.completedFuture(null);
        }
        AsyncWaiter<Void, Void> waiter = new AsyncWaiter<>(reacquirer, 1, null, arrivedAt);
        if (sync.waiters().enqueue(waiter)) {
            reinstate(permit, false);
            return CompletableFuture.completedFuture(null);
        }
        return waiter.future.thenApply(ignored -> {
            reinstate(permit, false);
            return null;
        });
    }
}
