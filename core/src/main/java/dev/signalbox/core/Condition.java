package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A condition variable bound to a {@link Lock} (asyncio's {@code Condition}): holders of the lock
 * wait for a state change that another holder announces with {@link #signal()} or {@link #signalAll()}.
 *
 * <p>A wait takes the {@link Permit} of the held lock: it frees the lock while waiting and always
 * re-acquires it before returning, whether signalled, timed out, interrupted or cancelled, so the
 * caller's try-with-resources stays correct. <b>Fairness:</b> waiters are signalled in FIFO order;
 * once signalled they re-acquire the lock like any other caller, in the lock's {@link Fairness}
 * (with {@link Fairness#FIFO}, behind its current waiters; with {@link Fairness#BARGING}, a
 * signalled waiter may get the lock before one signalled earlier). <b>Timeouts:</b> a timed-out
 * wait returns {@code false} (with the lock held again). <b>Cancellation:</b> cancelling an async
 * wait's future withdraws it from the condition; the lock is still re-acquired for the permit in the
 * background, and a {@code close()} of the permit meanwhile takes effect once it has been. A signal
 * that a cancelled wait had already received passes to the next waiter, so cancelling never loses
 * one.
 * <b>Memory:</b> actions before {@code signal()} happen-before the signalled waiter's return.
 * Spurious wake-ups do not happen, but use {@link #waitFor} when the state may change again before
 * a signalled waiter gets the lock.
 */
public interface Condition extends Primitive {

    @Override
    default Kind kind() {
        return Kind.CONDITION;
    }

    /** The lock this condition is bound to. */
    Lock lock();

    /** Waits for a signal without limit. */
    default void await(Permit held) throws InterruptedException {
        await(held, Durations.FOREVER);
    }

    /**
     * Frees the lock, waits for a signal at most {@code timeout}, and re-acquires the lock.
     *
     * @param held the permit of this condition's lock, held by the caller
     * @return true if signalled, false if the timeout ran out
     * @throws InterruptedException if interrupted while waiting for the signal (the lock is held again)
     * @throws IllegalStateException if {@code held} is not a held permit of this condition's lock
     */
    boolean await(Permit held, Duration timeout) throws InterruptedException;

    /**
     * Waits until {@code predicate} is true (asyncio's {@code wait_for}); the predicate is evaluated
     * with the lock held, first before any wait.
     *
     * @return true when the predicate became true, false when the timeout ran out first (the
     *         predicate's last value: it is evaluated once more when the time is up)
     * @throws IllegalStateException if {@code held} is not a held permit of this condition's lock,
     *         checked before the predicate is first evaluated (also when it is already true), as by
     *         {@link #waitForAsync}
     */
    boolean waitFor(Permit held, BooleanSupplier predicate, Duration timeout) throws InterruptedException;

    /**
     * Async {@link #await(Permit, Duration)}: completes with true (signalled) or false (timed out) once
     * the lock is held again. {@code cancel} returns true when it withdrew the wait (the future is then
     * cancelled; the lock is re-acquired for {@code held} in the background, and a signal the wait had
     * received passes to the next waiter); false when the future had completed first.
     *
     * @throws IllegalStateException at once if {@code held} is not a held permit of this condition's lock
     */
    CompletableFuture<Boolean> awaitAsync(Permit held, Duration timeout);

    /**
     * Async {@link #waitFor}: completes with the predicate's final value once the lock is held again;
     * cancelling withdraws it as for {@link #awaitAsync}.
     *
     * @throws IllegalStateException at once if {@code held} is not a held permit of this condition's
     *         lock, also when the predicate is already true (the rule of {@link #waitFor})
     */
    CompletableFuture<Boolean> waitForAsync(Permit held, BooleanSupplier predicate, Duration timeout);

    /**
     * Wakes the longest-waiting waiter, if any ({@code signal(1)}).
     *
     * @throws IllegalStateException if the lock is not held
     */
    default void signal() {
        signal(1);
    }

    /**
     * Wakes the {@code n} longest-waiting waiters, or every waiter when fewer wait (asyncio's
     * {@code notify(n)}); {@code 0} wakes nobody. They are woken in the order they began waiting and
     * re-acquire the lock once the signalling holder releases it.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if the lock is not held
     */
    void signal(int n);

    /** Wakes every waiter. @throws IllegalStateException if the lock is not held */
    void signalAll();
}
