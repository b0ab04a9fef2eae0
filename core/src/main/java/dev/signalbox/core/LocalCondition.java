package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

import dev.signalbox.spi.Probe;

import dev.signalbox.core.PermitPrimitive.HeldPermit;
import dev.signalbox.spi.WithdrawableFuture;

/**
 * The in-JVM {@link Condition}. Its waiters sit in their own FIFO {@link WaitList} of a
 * {@link WaitQueue} (a waiter enqueues before it frees the user's lock, so no signal sent after
 * that can miss it); a signal grants the head waiters, and each granted waiter then re-acquires the
 * lock for its suspended permit ({@link LocalLock#reacquire}).
 *
 * <p><b>Async waits and cancellation.</b> An async wait is an {@link AsyncAwait}: a future that
 * completes once the lock is held again, with whether the wait was signalled. Cancelling it wins
 * against that completion or loses, once: when it wins, the future ends cancelled at once, the wait
 * for the signal is withdrawn unless it was already signalled, and the lock is still re-acquired
 * for the permit in the background (its holder closes it as usual). A signal that a cancelled wait
 * had received, but could not return, is passed to the next waiter once the lock has been
 * re-acquired for it (asyncio 3.13, gh-112202), so a cancellation never swallows a signal. An
 * async {@code waitFor} is an {@link AsyncWaitFor}: a chain of such waits whose cancellation
 * withdraws the one pending, and passes on a signal that its last wait returned but the chain could
 * no longer use.
 */
final class LocalCondition implements Condition, WaitOwner<Void, Void>, WaitPolicy<Waiter<Void, Void>> {

    private final String name;
    private final LocalLock lock;
    private final Probe probe;
    private final WaitQueue queue = new WaitQueue();
    /** Nobody is admitted at once ({@link WaitPolicy#admit}'s default): every waiter waits for a signal. */
    private final WaitList<Waiter<Void, Void>> waiters = new WaitList<>(queue, this);

    @Override
    public WaitList<? super Waiter<Void, Void>> waitList() {
        return waiters;
    }

    LocalCondition(String name, LocalLock lock, PrimitiveListener listener) {
        this.name = Names.require(name);
        this.lock = lock;
        this.probe = new Probe(this, listener);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Lock lock() {
        return lock;
    }

    @Override
    public boolean await(Permit held, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        HeldPermit permit = lock.heldPermit(held, name);
        BlockingWaiter<Void, Void> waiter = new BlockingWaiter<>(this, 1, null, probe.arrive());
        waiters.enqueue(waiter);
        lock.suspend(permit);
        boolean signalled;
        try {
            signalled = waiter.await(timeoutNanos);
        } finally {
            lock.reacquire(permit);
        }
        if (signalled) {
            probe.waitEnded(waiter.arrivedAt, Outcome.ACQUIRED);
        }
        return signalled;
    }

    @Override
    public boolean waitFor(Permit held, BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long deadline = System.nanoTime() + timeoutNanos;
        lock.heldPermit(held, name); // before the predicate, as waitForAsync does: one rule for both forms
        while (!predicate.getAsBoolean()) {
            long remaining = remaining(timeoutNanos, deadline);
            if (remaining <= 0L) {
                return false;
            }
            await(held, Duration.ofNanos(remaining));
        }
        return true;
    }

    private static long remaining(long timeoutNanos, long deadline) {
        return timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
    }

    @Override
    public CompletableFuture<Boolean> awaitAsync(Permit held, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        HeldPermit permit = lock.heldPermit(held, name);
        AsyncWaiter<Void, Void> waiter = new AsyncWaiter<>(this, 1, null, probe.arrive());
        waiters.enqueue(waiter);
        waiter.armTimeout(timeoutNanos, () -> new GuardTimeoutException(name, Kind.CONDITION, timeout));
        lock.suspend(permit);
        AsyncAwait wait = new AsyncAwait(waiter, permit);
        waiter.future.whenComplete((ignored, error) -> wait.signalWaitEnded());
        return wait;
    }

    @Override
    public CompletableFuture<Boolean> waitForAsync(Permit held, BooleanSupplier predicate, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long deadline = System.nanoTime() + timeoutNanos;
        lock.heldPermit(held, name);
        if (predicate.getAsBoolean()) {
            return CompletableFuture.completedFuture(true);
        }
        if (remaining(timeoutNanos, deadline) <= 0L) {
            return CompletableFuture.completedFuture(false);
        }
        AsyncWaitFor waitFor = new AsyncWaitFor(held, predicate, timeoutNanos, deadline);
        waitFor.awaitNext();
        return waitFor;
    }

    @Override
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("condition '" + name + "': signal(n) wakes n waiters; n must not be negative, was " + n);
        }
        requireLockHeld();
        if (n > 0) {
            grant(n);
        }
    }

    @Override
    public void signalAll() {
        requireLockHeld();
        grant(Integer.MAX_VALUE);
    }

    private void requireLockHeld() {
        if (!lock.isLocked()) {
            throw new IllegalStateException("signalling condition '" + name + "' requires holding lock '"
                    + lock.name() + "'; acquire it first");
        }
    }

    /** Grants up to {@code max} waiters from the head; they are woken once the condition's lock is released. */
    private void grant(int max) {
        queue.lock();
        try {
            waiters.grantFromHead(max);
        } finally {
            queue.unlock();
        }
    }

    /** A signal that a cancelled wait received but could not return goes to the next waiter, if any. */
    private void passSignal() {
        grant(1);
    }

    private static Throwable causeOf(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @Override
    public Void granted(Waiter<Void, Void> waiter) {
        probe.waitEnded(waiter.arrivedAt, Outcome.ACQUIRED);
        return null;
    }

    @Override
    public void ended(Waiter<Void, Void> waiter, Outcome outcome) {
        probe.waitEnded(waiter.arrivedAt, outcome);
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, Kind.CONDITION, waiters.waiting(), 0, 0, List.of());
    }

    @Override
    public String toString() {
        return "condition '" + name + "' of lock '" + lock.name() + "'";
    }

    /**
     * One async wait: first for the signal ({@code signalWait}, in the condition's list), then for
     * the lock. Completes with whether it was signalled once the permit holds the lock again.
     * Cancelling it (or failing it) ends it at once and withdraws the wait for the signal, if that
     * is still pending; the lock is re-acquired for the permit all the same, and a signal received
     * meanwhile is passed on once it is.
     */
    private final class AsyncAwait extends WithdrawableFuture<Boolean> {

        private final AsyncWaiter<Void, Void> signalWait;
        private final HeldPermit permit;

        AsyncAwait(AsyncWaiter<Void, Void> signalWait, HeldPermit permit) {
            this.signalWait = signalWait;
            this.permit = permit;
        }

        /** The wait for the signal ended (signalled, timed out or withdrawn): re-acquire the lock. */
        void signalWaitEnded() {
            boolean signalled = signalWait.isGranted();
            lock.reacquireAsync(permit).whenComplete((ignored, error) -> {
                if (error != null) {
                    failByOwner(causeOf(error));
                } else if (!completeByOwner(signalled) && signalled) {
                    passSignal(); // withdrawn after its signal: the signal must not be lost
                }
            });
        }

        @Override
        protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
            if (!failByOwner(cause)) {
                return false;
            }
            signalWait.withdraw(Outcome.CANCELLED, null); // false when already signalled or timed out
            return true;
        }

        @Override
        protected String completedWhen() {
            return "by the condition once the lock is held again";
        }

        @Override
        protected String withdrawnThing() {
            return "the wait";
        }
    }

    /**
     * An async {@code waitFor}: waits ({@link AsyncAwait}) until the predicate, evaluated with the
     * lock held, is true or the time is up. Each wait continues on the thread that completed the
     * last one. Cancelling it ends it and withdraws the pending wait; the chain publishes each
     * pending wait before it looks whether it was withdrawn, and the withdrawal ends this future
     * before it reads the pending wait, so one of them always withdraws it (both write, then read,
     * volatile state).
     */
    private final class AsyncWaitFor extends WithdrawableFuture<Boolean> {

        private final Permit held;
        private final BooleanSupplier predicate;
        private final long timeoutNanos;
        private final long deadline;
        private volatile CompletableFuture<Boolean> pending;

        AsyncWaitFor(Permit held, BooleanSupplier predicate, long timeoutNanos, long deadline) {
            this.held = held;
            this.predicate = predicate;
            this.timeoutNanos = timeoutNanos;
            this.deadline = deadline;
        }

        /** With the lock held and the predicate false: waits again, or ends with false when the time is up. */
        void awaitNext() {
            long remaining = remaining(timeoutNanos, deadline);
            if (remaining <= 0L) {
                completeByOwner(false);
                return;
            }
            CompletableFuture<Boolean> wait;
            try {
                wait = awaitAsync(held, Duration.ofNanos(remaining));
            } catch (RuntimeException e) {
                failByOwner(e); // the permit was closed meanwhile
                return;
            }
            pending = wait;
            if (isDone()) {
                wait.cancel(false); // withdrawn meanwhile
            }
            wait.whenComplete(this::waitEnded);
        }

        /** A wait ended: with the lock held again, unless it failed. */
        private void waitEnded(Boolean signalled, Throwable error) {
            if (error != null) {
                // Cancelled by this future's withdrawal (the wait passed on its own signal), or failed.
                failByOwner(causeOf(error));
                return;
            }
            if (isDone()) {
                if (signalled) {
                    passSignal(); // withdrawn as its wait returned the signal: the signal must not be lost
                }
                return;
            }
            boolean ready;
            try {
                ready = predicate.getAsBoolean();
            } catch (RuntimeException e) {
                failByOwner(e);
                return;
            }
            if (!ready) {
                awaitNext();
            } else if (!completeByOwner(true) && signalled) {
                passSignal(); // withdrawn just now
            }
        }

        @Override
        protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
            if (!failByOwner(cause)) {
                return false;
            }
            CompletableFuture<Boolean> wait = pending;
            if (wait != null) {
                wait.cancel(false);
            }
            return true;
        }

        @Override
        protected String completedWhen() {
            return "by the condition once the predicate holds (or the time is up) and the lock is held again";
        }

        @Override
        protected String withdrawnThing() {
            return "the wait";
        }
    }
}
