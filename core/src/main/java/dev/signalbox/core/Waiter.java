package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

import dev.signalbox.spi.Probe;

/**
 * One caller waiting in a {@link WaitList}: a typed node of the {@link WaitQueue} framework.
 *
 * <p>Its {@code status} decides every race exactly once. A granter flips WAITING to GRANTED, under
 * the queue's lock, through {@link WaitQueue#grant} (which then wakes it once the lock is
 * released); a timeout, interrupt or cancellation flips WAITING to CANCELLED through
 * {@link #withdraw}, which then unlinks it and lets the primitive serve the waiters behind it.
 * Whoever loses the CAS does nothing, so a grant racing a withdrawal can neither lose what was
 * granted nor hand it out twice.
 *
 * @param <T> what a granted caller receives (a permit, an item, an index)
 * @param <R> what the caller asks with, beyond {@link #amount} (an item to put, a leak trace, a party), or {@link Void}
 */
abstract class Waiter<T, R> {

    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(Waiter.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Also gives the list it waits in, for its whole life ({@link WaitOwner#waitList()}): not a field, to keep an async waiter in 64 bytes. */
    final WaitOwner<T, R> owner;
    /** Primitive-specific request size: permits wanted, or a mode. */
    final int amount;
    /** Primitive-specific request payload; null when there is none. */
    final R request;
    /**
     * The owner's clock at arrival when the owner is timed, else 0 (or {@link Probe#AT_ONCE}). Set at
     * construction, or by the owner under the queue's lock before the waiter is queued (a rate
     * limiter reads the clock once per call and stamps only the waiters that queue); published with
     * the queue.
     */
    long arrivedAt;

    // Guarded by the queue's lock.
    Waiter<?, ?> prev;
    Waiter<?, ?> next;
    /** {@link System#nanoTime()} when queued, for engines that bound how long a waiter may be overtaken; else 0. */
    long queuedAt;

    /** Written by the granter (or by the admitting primitive) before the status CAS publishes it. */
    T value;
    private volatile int status;

    Waiter(WaitOwner<T, R> owner, int amount, R request, long arrivedAt) {
        this.owner = owner;
        this.amount = amount;
        this.request = request;
        this.arrivedAt = arrivedAt;
    }

    /** The list it waits in. */
    final WaitList<? super Waiter<T, R>> list() {
        return owner.waitList();
    }

    /** Through {@link WaitQueue#grant}, under the queue's lock: WAITING to GRANTED, publishing {@code grantedValue}. */
    final boolean grant(T grantedValue) {
        value = grantedValue;
        if (STATUS.compareAndSet(this, WAITING, GRANTED)) {
            return true;
        }
        value = null;
        return false;
    }

    /**
     * Ends the wait without a grant (a timeout, interrupt or cancellation): WAITING to CANCELLED,
     * then, outside any lock, unlinks this waiter and lets the primitive serve the ones behind it
     * ({@link WaitPolicy#withdrawn}), reports {@code outcome} to the owner, and wakes whoever the
     * withdrawal served. False, changing nothing, when the grant (or another withdrawal) came first.
     * A waiter whose policy {@link WaitPolicy#withdrawsUnderLock withdraws it under the lock} flips
     * its status and is unlinked in one critical section instead.
     */
    boolean withdraw(Outcome outcome) {
        WaitList<? super Waiter<T, R>> list = list();
        List<Waiter<?, ?>> served;
        if (list.withdrawsUnderLock(this)) {
            served = list.withdrawUnderLock(this, outcome);
            if (served == null) {
                return false;
            }
        } else {
            if (!cancel()) {
                return false;
            }
            served = list.unlinkWithdrawn(this, outcome);
        }
        owner.ended(this, outcome);
        Wakeups.wakeAll(served);
        return true;
    }

    /** WAITING to CANCELLED; false when the grant (or another withdrawal) came first. */
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
     * that {@link #hasOwnThread()}, that it may now compete for what was freed. Never under a lock.
     */
    abstract void wake();

    /**
     * True for a blocking waiter: its thread can be woken to compete for free permits itself
     * (through {@link WaitPolicy#claim}), and waking it runs no caller code. False for an async
     * waiter: it must be granted, and waking it completes a future, which runs callbacks.
     */
    abstract boolean hasOwnThread();
}
