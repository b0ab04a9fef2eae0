package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import dev.signalbox.core.PermitPrimitive.HeldPermit;

/**
 * The in-JVM {@link Condition}. Its waiters sit in their own FIFO {@link WaitList} of a
 * {@link WaitQueue} (a waiter enqueues before it frees the user's lock, so no signal sent after
 * that can miss it).
 */
final class LocalCondition implements Condition, WaitOwner<Void, Void>, WaitPolicy<Waiter<Void, Void>> {

    private final String name;
    private final LocalLock lock;
    private final Probe probe;
    private final WaitQueue queue = new WaitQueue();
    /** Nobody is admitted at once ({@link WaitPolicy#admit}'s default): every waiter waits for a signal. */
    private final WaitList<Waiter<Void, Void>> waiters = new WaitList<>(queue, this);

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
        BlockingWaiter<Void, Void> waiter = new BlockingWaiter<>(waiters, this, 1, null, probe.arrive());
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
        while (!predicate.getAsBoolean()) {
            long remaining = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (remaining <= 0L) {
                return false;
            }
            await(held, Duration.ofNanos(remaining));
        }
        return true;
    }

    @Override
    public CompletableFuture<Boolean> awaitAsync(Permit held, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        HeldPermit permit = lock.heldPermit(held, name);
        AsyncWaiter<Void, Void> waiter = new AsyncWaiter<>(waiters, this, 1, null, probe.arrive());
        waiters.enqueue(waiter);
        waiter.armTimeout(timeoutNanos, () -> new GuardTimeoutException(name, Kind.CONDITION, timeout));
        lock.suspend(permit);
        CompletableFuture<Boolean> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                waiter.future.cancel(false);
                return super.cancel(mayInterruptIfRunning);
            }
        };
        waiter.future
                .handle((ignored, error) -> error == null)
                .thenCompose(signalled -> lock.reacquireAsync(permit).thenApply(ignored -> signalled))
                .whenComplete((signalled, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(signalled);
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<Boolean> waitForAsync(Permit held, BooleanSupplier predicate, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long deadline = System.nanoTime() + timeoutNanos;
        lock.heldPermit(held, name);
        return waitForAsync(held, predicate, timeoutNanos, deadline);
    }

    private CompletableFuture<Boolean> waitForAsync(Permit held, BooleanSupplier predicate, long timeoutNanos, long deadline) {
        if (predicate.getAsBoolean()) {
            return CompletableFuture.completedFuture(true);
        }
        long remaining = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (remaining <= 0L) {
            return CompletableFuture.completedFuture(false);
        }
        return awaitAsync(held, Duration.ofNanos(remaining))
                .thenCompose(ignored -> waitForAsync(held, predicate, timeoutNanos, deadline));
    }

    @Override
    public void signal() {
        grant(1);
    }

    @Override
    public void signalAll() {
        grant(Integer.MAX_VALUE);
    }

    private void grant(int max) {
        if (!lock.isLocked()) {
            throw new IllegalStateException("signalling condition '" + name + "' requires holding lock '"
                    + lock.name() + "'; acquire it first");
        }
        queue.lock();
        try {
            waiters.grantFromHead(max);
        } finally {
            queue.unlock();
        }
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
}
