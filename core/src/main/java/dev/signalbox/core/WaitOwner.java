package dev.signalbox.core;

/** The primitive a {@link Waiter} waits in: what it receives when granted, and how it leaves when it gives up. */
interface WaitOwner<T> {

    /**
     * Called once per granted waiter, outside any lock, on the thread that delivers the grant:
     * reports the wait and returns what the caller receives (a permit, an item).
     */
    T granted(Waiter<T> waiter);

    /**
     * The waiter won its {@link Waiter#cancel()}: unlink it (under the primitive's lock), let the
     * waiters behind it move up, and report {@code outcome}.
     */
    void abandon(Waiter<T> waiter, Outcome outcome);

    /**
     * Called by a blocking waiter's own thread whenever it wakes (and before it parks): true when
     * it now holds what it waited for. By default that means it was granted; an engine that lets a
     * woken waiter compete for free permits (a {@link Fairness#BARGING} {@link PermitSync}) may also
     * let it take them here. False: park again; whoever frees something for it will wake it.
     */
    default boolean claim(Waiter<T> waiter) {
        return waiter.isGranted();
    }
}
