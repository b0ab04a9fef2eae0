package dev.signalbox.core;

/**
 * A FIFO wait queue in front of some shared state: {@link PermitSync} (counted permits) and
 * {@link ReadWriteSync} (readers and a writer). {@link SyncPrimitive} waits on either the same way;
 * the meaning of {@code amount} is the engine's (permits, or a read/write mode).
 */
interface WaitEngine {

    /** Takes {@code amount} now if nobody waits and it is free; never waits. */
    boolean tryAcquire(int amount);

    /** Under the engine's lock: takes {@code w.amount} now (true) or appends {@code w} to the wait list (false). */
    boolean acquireOrEnqueue(Waiter<?> w);

    /** Gives {@code amount} back, granting waiters first. */
    void release(int amount);

    /** Unlinks a waiter that gave up; the waiters behind it may now be granted. */
    void remove(Waiter<?> w);

    /** Callers waiting now. */
    int waiting();
}
