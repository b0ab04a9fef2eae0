package dev.signalbox.core;

import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

import dev.signalbox.spi.WithdrawableFuture;

/**
 * A waiter that parks nothing: it completes a {@link GrantFuture} when granted. About a hundred
 * bytes per pending wait (this node, the future, and a timeout task when there is a timeout).
 *
 * <p>The future completes once, on the thread that delivers the grant, with what the
 * {@link WaitOwner} hands out; or fails when the timeout runs out (with the primitive's timeout
 * exception) or is cancelled, whichever wins the waiter's status CAS. A cancellation that loses
 * changes nothing: the future then completes with the grant.
 */
final class AsyncWaiter<T, R> extends Waiter<T, R> {

    final GrantFuture future = new GrantFuture();
    private volatile ScheduledFuture<?> timeoutTask;

    AsyncWaiter(WaitOwner<T, R> owner, int amount, R request, long arrivedAt) {
        super(owner, amount, request, arrivedAt);
    }

    /**
     * Arms the timeout: when it runs out before the grant, the waiter is withdrawn and the future
     * fails with {@code error}. Call after enqueueing, before returning the future.
     */
    void armTimeout(long timeoutNanos, Supplier<? extends Throwable> error) {
        if (timeoutNanos == Long.MAX_VALUE) {
            return;
        }
        ScheduledFuture<?> task = Timeouts.schedule(() -> withdraw(Outcome.TIMEOUT, error.get()), timeoutNanos);
        timeoutTask = task;
        // The grant may have come before the task was stored: then nobody else will cancel it.
        if (!isWaiting()) {
            task.cancel(false);
        }
    }

    @Override
    void wake() {
        ScheduledFuture<?> task = timeoutTask;
        if (task != null) {
            task.cancel(false);
        }
        future.deliver();
    }

    @Override
    boolean hasOwnThread() {
        return false;
    }

    /**
     * Ends the wait without a grant (see {@link Waiter#withdraw}) and fails the future with
     * {@code error}, or cancels it when {@code error} is null; false when the grant (or another
     * withdrawal) came first.
     */
    boolean withdraw(Outcome outcome, Throwable error) {
        if (!withdraw(outcome)) {
            return false;
        }
        ScheduledFuture<?> task = timeoutTask;
        if (task != null && outcome != Outcome.TIMEOUT) {
            task.cancel(false);
        }
        future.withdrawn(error);
        return true;
    }

    /** The future of an async wait: cancelling it withdraws the wait, and only the grant completes it normally. */
    final class GrantFuture extends WithdrawableFuture<T> {

        /** Withdraws the wait; false (changing nothing) when it was already granted. */
        @Override
        protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
            return AsyncWaiter.this.withdraw(Outcome.CANCELLED, cause);
        }

        @Override
        protected String completedWhen() {
            return "by the primitive when the wait is granted";
        }

        @Override
        protected String withdrawnThing() {
            return "the wait";
        }

        /** The grant: completes with what the owner hands out, or fails with what it throws. */
        private void deliver() {
            T result;
            try {
                result = owner.granted(AsyncWaiter.this);
            } catch (RuntimeException e) {
                failByOwner(e);
                return;
            }
            completeByOwner(result);
        }

        private void withdrawn(Throwable error) {
            failByOwner(error);
        }
    }
}
