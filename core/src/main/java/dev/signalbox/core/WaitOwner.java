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
}
