package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A flag that callers wait on until another caller {@link #set() sets} it (asyncio's {@code Event}).
 *
 * <p>{@link #set()} releases every caller waiting at that moment, and while the event stays set,
 * callers of {@code await} return at once. {@link #clear()} makes later callers wait again; it does
 * not recall a caller that {@code set()} already released, so a {@code set()} immediately followed
 * by {@code clear()} still releases everyone who was waiting.
 *
 * <p><b>Ordering:</b> the waiters released by one {@code set()} are woken in arrival order (FIFO);
 * the event grants nothing exclusive, so there is nothing to overtake. <b>Timeouts:</b> a wait that
 * runs out throws (blocking) or fails its future with (async) {@link GuardTimeoutException}, leaves
 * the event as it was, and leaves no waiter behind; {@link Duration#ZERO} checks once without
 * waiting. <b>Cancellation:</b> cancelling the future of {@link #awaitAsync(Duration)} withdraws the
 * wait; if it races with {@code set()}, either the future completes normally or the wait is
 * withdrawn, never both. <b>Interruption:</b> a blocking wait interrupted before the event is set
 * throws {@link InterruptedException}; one interrupted at the same moment the event is set returns
 * normally with its interrupt status restored. <b>Memory:</b> actions before {@code set()}
 * happen-before every {@code await} that returns because of it, or that finds the event set.
 */
public interface Event extends Primitive {

    /** An uninstrumented event, initially clear. */
    static Event create(String name) {
        return new LocalEvent(name, PrimitiveListener.NONE);
    }

    /** An event, initially clear, reporting to {@code listener}. */
    static Event create(String name, PrimitiveListener listener) {
        return new LocalEvent(name, listener);
    }

    @Override
    default Kind kind() {
        return Kind.EVENT;
    }

    /** Sets the event: wakes every waiter, and lets later callers through until {@link #clear()}. Idempotent. */
    void set();

    /** Clears the event: later callers wait for the next {@link #set()}. Idempotent. */
    void clear();

    /** True while the event is set. */
    boolean isSet();

    /** Waits without limit until the event is set. */
    default void await() throws InterruptedException {
        await(Durations.FOREVER);
    }

    /**
     * Returns once the event is set, at once if it already is.
     *
     * @param timeout the longest to wait; {@link Durations#FOREVER} for no limit, {@link Duration#ZERO} to check once
     * @throws GuardTimeoutException when the timeout runs out first (no waiter is left behind)
     * @throws InterruptedException when interrupted while waiting (no waiter is left behind)
     */
    void await(Duration timeout) throws InterruptedException;

    /** Async wait without limit. */
    default CompletableFuture<Void> awaitAsync() {
        return awaitAsync(Durations.FOREVER);
    }

    /**
     * Async wait: the future completes (with {@code null}) once the event is set, at once if it
     * already is, or fails with {@link GuardTimeoutException} when {@code timeout} runs out. No
     * thread is parked meanwhile; cancelling the future withdraws the wait.
     */
    CompletableFuture<Void> awaitAsync(Duration timeout);
}
