package dev.signalbox.core;

/**
 * A wait queue in front of some shared state, with a lock-free way in and out:
 * {@link PermitSync} (counted permits) and {@link ReadWriteSync} (readers and a writer).
 * {@link SyncPrimitive} waits on either the same way; the meaning of {@code amount} is the
 * engine's (permits, or a read/write mode). A caller that cannot have it at once
 * {@link WaitList#enqueue enqueues} a {@link Waiter} in {@link #waiters()}, whose policy is the
 * engine itself.
 */
interface WaitEngine {

    /** Takes {@code amount} now if it is free and the engine's ordering lets the caller have it (e.g. nobody waits); never waits. */
    boolean tryAcquire(int amount);

    /** Gives {@code amount} back, granting waiters first (or waking the head to compete for it). */
    void release(int amount);

    /** The engine's wait list: enqueueing admits at once what {@link #tryAcquire} would (under the lock), else queues. */
    WaitList<Waiter<?, ?>> waiters();

    /** Callers waiting now. */
    default int waiting() {
        return waiters().waiting();
    }
}
