package dev.signalbox.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * A waiter that parks nothing: it completes a {@link GrantFuture} when granted. About a hundred
 * bytes per pending wait (this node, the future, and a timeout task when there is a timeout).
 */
final class AsyncWaiter<T> extends Waiter<T> {

    final GrantFuture<T> future = new GrantFuture<>(this);
    private volatile ScheduledFuture<?> timeoutTask;

    AsyncWaiter(WaitOwner<T> owner, int amount, long arrivedAt) {
        super(owner, amount, arrivedAt);
    }

    /**
     * Arms the timeout: when it runs out before the grant, the waiter is abandoned and the future
     * fails with {@code error}. Call after enqueueing, before returning the future.
     */
    void armTimeout(long timeoutNanos, Supplier<? extends Throwable> error) {
        if (timeoutNanos == Long.MAX_VALUE) {
            return;
        }
        ScheduledFuture<?> task = Timeouts.schedule(() -> giveUp(Outcome.TIMEOUT, error.get()), timeoutNanos);
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
        future.completeByPrimitive(owner.granted(this));
    }

    @Override
    boolean hasOwnThread() {
        return false;
    }

    /** Ends the wait without a grant; false when the grant (or another give-up) came first. */
    boolean giveUp(Outcome outcome, Throwable error) {
        if (!cancel()) {
            return false;
        }
        ScheduledFuture<?> task = timeoutTask;
        if (task != null && outcome != Outcome.TIMEOUT) {
            task.cancel(false);
        }
        owner.abandon(this, outcome);
        future.failByPrimitive(error);
        return true;
    }

    /** A future whose cancellation withdraws the wait, and which only the primitive can complete normally. */
    static final class GrantFuture<T> extends CompletableFuture<T> {

        private final AsyncWaiter<T> waiter;

        GrantFuture(AsyncWaiter<T> waiter) {
            this.waiter = waiter;
        }

        /** Withdraws the wait; returns false (and changes nothing) when it was already granted. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (waiter.giveUp(Outcome.CANCELLED, null)) {
                return true;
            }
            return isCancelled();
        }

        /** Withdraws the wait and fails the future with {@code ex}; false when already granted. */
        @Override
        public boolean completeExceptionally(Throwable ex) {
            return waiter.giveUp(Outcome.CANCELLED, ex);
        }

        /**
         * Not supported: the primitive completes this future when it grants the wait. To withdraw a
         * wait, {@link #cancel(boolean)} the future.
         */
        @Override
        public boolean complete(T value) {
            throw new UnsupportedOperationException(
                    "this future is completed by the primitive when the wait is granted; cancel() it to withdraw the wait");
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }

        void completeByPrimitive(T value) {
            super.complete(value);
        }

        void failByPrimitive(Throwable error) {
            if (error == null) {
                super.cancel(false);
            } else {
                super.completeExceptionally(error);
            }
        }
    }
}
