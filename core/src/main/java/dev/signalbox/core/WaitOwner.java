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
     * Called by a blocking waiter's own thread while it spins: true when it now holds what it
     * waited for. By default that means it was granted; an engine that lets a woken waiter compete
     * for free permits (a {@link Fairness#BARGING} {@link PermitSync}) may also let it take them
     * here. False changes nothing.
     */
    default boolean claim(Waiter<T> waiter) {
        return waiter.isGranted();
    }

    /**
     * Called by a blocking waiter's own thread right before it parks: {@link #claim}, and when that
     * fails, make sure that whoever frees something for the waiter wakes it (an engine that keeps a
     * "woken and looking" mark for it clears the mark here). False: park.
     */
    default boolean claimBeforePark(Waiter<T> waiter) {
        return waiter.isGranted();
    }
}
