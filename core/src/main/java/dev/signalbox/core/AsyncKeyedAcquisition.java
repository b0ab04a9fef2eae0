package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import dev.signalbox.spi.WithdrawableFuture;

/**
 * An async acquisition of several keys' primitives, in the order given, which is also its own
 * result future. It chains the keys' async waits: each grant starts the next wait, on the thread
 * that delivered the grant, so no thread is parked. On failure it gives back what it got and fails
 * with the first error (a key's timeout restated against the overall timeout).
 *
 * <p>Withdrawal: {@link #cancel(boolean)} (or {@link #completeExceptionally(Throwable)}) first
 * ends this future, then cancels the pending key's wait ({@link #withdraw}). The chain publishes each pending wait
 * before looking at whether this future is done, and cancels the wait itself if so; as both sides
 * write, then read, volatile fields, at least one of them sees the other, so a pending wait is
 * always withdrawn. A grant that wins against the withdrawal reaches the chain, which then sees this
 * future done and gives everything back. Only the chain touches the permits, one step at a time.
 */
final class AsyncKeyedAcquisition<P extends Primitive> extends WithdrawableFuture<Permit> {

    private final List<? extends KeyedRegistry.Handle<?, P>> handles;
    private final Function<? super P, ? extends Acquirable> side;
    private final Duration timeout;
    private final long timeoutNanos;
    private final long startNanos = System.nanoTime();
    private final Permit[] permits;
    /** Permits acquired so far; only the chain reads or writes it (each step happens-after the previous one). */
    private int acquired;
    /** The wait in progress, for withdrawal. */
    private volatile CompletableFuture<? extends Permit> pending;

    private AsyncKeyedAcquisition(List<? extends KeyedRegistry.Handle<?, P>> handles,
            Function<? super P, ? extends Acquirable> side, Duration timeout) {
        this.handles = handles;
        this.side = side;
        this.timeout = timeout;
        this.timeoutNanos = Durations.toNanos(timeout);
        this.permits = new Permit[handles.size()];
    }

    /** Starts acquiring the handles' primitives in list order; the handles now belong to the acquisition. */
    static <P extends Primitive> AsyncKeyedAcquisition<P> start(List<? extends KeyedRegistry.Handle<?, P>> handles,
            Function<? super P, ? extends Acquirable> side, Duration timeout) {
        AsyncKeyedAcquisition<P> acquisition = new AsyncKeyedAcquisition<>(handles, side, timeout);
        acquisition.advance();
        return acquisition;
    }

    /** Starts waits until one is pending (it continues when that completes), or all keys are held, or a step failed. */
    private void advance() {
        while (acquired < permits.length) {
            CompletableFuture<? extends Permit> step;
            try {
                step = side.apply(handles.get(acquired).primitive())
                        .acquireAsync(KeyedPermits.remaining(startNanos, timeoutNanos));
            } catch (RuntimeException | Error e) {
                stepEnded(null, e);
                return;
            }
            pending = step;
            if (isDone()) {
                step.cancel(false); // withdrawn meanwhile; a grant that won anyway comes back through stepEnded
            }
            if (!step.isDone()) {
                step.whenComplete((permit, error) -> {
                    if (stepEnded(permit, error)) {
                        advance();
                    }
                });
                return;
            }
            if (!stepEnded(step)) {
                return;
            }
        }
        KeyedPermit permit = new KeyedPermit(permits, handles);
        if (!completeByOwner(permit)) {
            permit.close(); // withdrawn as the last grant came in
        }
    }

    private boolean stepEnded(CompletableFuture<? extends Permit> done) {
        try {
            return stepEnded(done.join(), null);
        } catch (CompletionException e) {
            return stepEnded(null, e.getCause());
        } catch (CancellationException e) {
            return stepEnded(null, e);
        }
    }

    /** Records a step's outcome; true when the chain should go on to the next key. */
    private boolean stepEnded(Permit permit, Throwable error) {
        if (error != null) {
            KeyedPermit.giveBack(permits, acquired, handles);
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            failByOwner(cause instanceof GuardTimeoutException keyTimeout
                    ? KeyedPermits.overall(keyTimeout, timeout) : cause);
            return false;
        }
        permits[acquired++] = permit;
        if (isDone()) {
            KeyedPermit.giveBack(permits, acquired, handles);
            return false;
        }
        return true;
    }

    /** Withdraws the acquisition: ends this future, cancels the pending wait, and every key already acquired is released. */
    @Override
    protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
        boolean ended = failByOwner(cause);
        CompletableFuture<? extends Permit> step = pending;
        if (step != null) {
            step.cancel(false);
        }
        return ended;
    }

    @Override
    protected String completedWhen() {
        return "when every key is acquired";
    }

    @Override
    protected String withdrawnThing() {
        return "the acquisition";
    }
}
