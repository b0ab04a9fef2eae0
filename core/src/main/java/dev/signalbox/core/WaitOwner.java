package dev.signalbox.core;

/**
 * The caller's side of a {@link Waiter}: what it receives when granted, and how a wait that ended
 * without a grant is reported. Called outside any lock.
 *
 * @param <T> what a granted caller receives
 * @param <R> the waiter's request payload
 */
interface WaitOwner<T, R> {

    /**
     * Called once per granted <em>async</em> waiter, on the thread that delivers the grant: reports
     * the wait and returns what the caller's future completes with (a permit, an item). An
     * exception thrown here fails the future instead (a barrier party whose generation broke).
     * A blocking waiter's caller hands out its own result once its wait returns.
     */
    T granted(Waiter<T, R> waiter);

    /** The list this owner's waiters wait in (one per owner). */
    WaitList<? super Waiter<T, R>> waitList();

    /** The wait was withdrawn ({@code outcome}: a timeout, interrupt or cancellation) and the waiter unlinked: report it. */
    void ended(Waiter<T, R> waiter, Outcome outcome);
}
