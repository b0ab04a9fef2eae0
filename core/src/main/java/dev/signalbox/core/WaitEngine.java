package dev.signalbox.core;

/**
 * A wait queue in front of some shared state: {@link PermitSync} (counted permits) and
 * {@link ReadWriteSync} (readers and a writer). {@link SyncPrimitive} waits on either the same way;
 * the meaning of {@code amount} is the engine's (permits, or a read/write mode).
 */
interface WaitEngine {

    /** Takes {@code amount} now if it is free and the engine's ordering lets the caller have it (e.g. nobody waits); never waits. */
    boolean tryAcquire(int amount);

    /** Under the engine's lock: takes {@code w.amount} now (true) or appends {@code w} to the wait list (false). */
    boolean acquireOrEnqueue(Waiter<?> w);

    /** Gives {@code amount} back, granting waiters first (or waking the head to compete for it). */
    void release(int amount);

    /** Unlinks a waiter that gave up; the waiters behind it may now be granted. */
    void remove(Waiter<?> w);

    /** See {@link WaitOwner#claim}: true when {@code w} was granted, or (in an engine that allows it) took what it waits for just now. */
    default boolean claim(Waiter<?> w) {
        return w.isGranted();
    }

    /** See {@link WaitOwner#claimBeforePark}. */
    default boolean claimBeforePark(Waiter<?> w) {
        return w.isGranted();
    }

    /** Callers waiting now. */
    int waiting();
}
