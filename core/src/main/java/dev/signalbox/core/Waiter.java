package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One caller waiting in a primitive's FIFO queue: a node of an intrusive {@link WaitList}.
 *
 * <p>Its {@code status} decides every race exactly once. The granter flips WAITING to GRANTED (under
 * the primitive's lock, after which it owns the duty to {@link #wake()} the waiter); a timeout,
 * interrupt or cancellation flips WAITING to CANCELLED (after which the waiter owns the duty to
 * unlink itself through {@link WaitOwner#abandon}). Whoever loses the CAS does nothing, so a grant
 * racing a cancellation can neither lose permits nor hand them out twice.
 */
abstract class Waiter<T> {

    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int CANCELLED = 2;

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(Waiter.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final WaitOwner<T> owner;
    /** Primitive-specific request size: permits wanted, or a mode. */
    final int amount;
    /**
     * The owner's clock at arrival when the owner is timed, else 0 (or {@link Probe#AT_ONCE}). Set at
     * construction, or by the owner under its lock before the waiter is queued (a rate limiter reads
     * the clock once per call and stamps only the waiters that queue); published with the queue.
     */
    long arrivedAt;
    /** Primitive-specific payload: the item a putter offers, a leak trace, ... */
    Object attachment;

    // Guarded by the owner's lock.
    Waiter<?> prev;
    Waiter<?> next;
    /** {@link System#nanoTime()} when queued, for engines that bound how long a waiter may be overtaken; else 0. */
    long queuedAt;

    /** Written by the granter before the status CAS publishes it. */
    T value;
    private volatile int status;

    Waiter(WaitOwner<T> owner, int amount, long arrivedAt) {
        this.owner = owner;
        this.amount = amount;
        this.arrivedAt = arrivedAt;
    }

    /** Called under the owner's lock. On success the caller must later call {@link #wake()}, outside the lock. */
    final boolean grant(T grantedValue) {
        value = grantedValue;
        if (STATUS.compareAndSet(this, WAITING, GRANTED)) {
            return true;
        }
        value = null;
        return false;
    }

    /** On success the caller must unlink this waiter through {@link WaitOwner#abandon}. */
    final boolean cancel() {
        return STATUS.compareAndSet(this, WAITING, CANCELLED);
    }

    final boolean isWaiting() {
        return status == WAITING;
    }

    final boolean isGranted() {
        return status == GRANTED;
    }

    /**
     * Tells the waiter it was granted (unpark its thread or complete its future), or, for a waiter
     * that {@link #hasOwnThread()}, that it may now compete for free permits. Never under a lock.
     */
    abstract void wake();

    /**
     * True for a blocking waiter: its thread can be woken to compete for free permits itself
     * (through {@link WaitOwner#claim}), and waking it runs no caller code. False for an async
     * waiter: it must be granted, and waking it completes a future, which runs callbacks.
     */
    abstract boolean hasOwnThread();
}
