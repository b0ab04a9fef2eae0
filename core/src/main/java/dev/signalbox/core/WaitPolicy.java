package dev.signalbox.core;

/**
 * What a primitive defines for one of its {@link WaitList}s: its state change on admission and on
 * a withdrawal. The {@link WaitQueue} framework calls the first two under its lock; the claims are
 * called by a blocking waiter's own thread, without it.
 *
 * @param <W> the waiters of the list
 */
interface WaitPolicy<W extends Waiter<?, ?>> {

    /**
     * Under the lock: gives {@code waiter} what it asks for now, if the primitive's state and
     * ordering let it (true: it is not queued); false queues it. Grants made here (to other
     * waiters) are delivered once the lock is released. By default nobody is admitted at once (a
     * condition's waiter always waits for a signal).
     */
    default boolean admit(W waiter) {
        return false;
    }

    /**
     * Under the lock: {@code waiter} gave up ({@code outcome}) and has just been unlinked;
     * {@code wasHead} when it was first in line. Serve the waiters it held back, if any.
     */
    default void withdrawn(W waiter, boolean wasHead, Outcome outcome) {
    }

    /**
     * True when {@code waiter}'s withdrawal must flip its status and unlink it in one critical
     * section ({@link WaitList#withdrawUnderLock}), so that a decision taken under the lock about
     * every linked waiter (a barrier releasing its generation) finds each either waiting, and then
     * grants it, or already gone; never a waiter that gave up but is still linked. By default the
     * status flips without the lock, which a grant that wins never waits for.
     */
    default boolean withdrawsUnderLock(W waiter) {
        return false;
    }

    /**
     * Called by a blocking waiter's own thread while it spins: true when it now holds what it
     * waited for. By default that means it was granted; an engine that lets a woken waiter compete
     * for free permits (a {@link Fairness#BARGING} {@link PermitSync}) may also let it take them
     * here ({@link WaitQueue#grantClaimed}). False changes nothing.
     */
    default boolean claim(W waiter) {
        return waiter.isGranted();
    }

    /**
     * Called by a blocking waiter's own thread right before it parks: {@link #claim}, and when that
     * fails, make sure that whoever frees something for the waiter wakes it (an engine that keeps a
     * "woken and looking" mark for it clears the mark here). False: park.
     */
    default boolean claimBeforePark(W waiter) {
        return waiter.isGranted();
    }
}
