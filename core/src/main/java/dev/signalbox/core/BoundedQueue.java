package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A bounded FIFO queue with task tracking (asyncio's {@code Queue(maxsize)} with {@code task_done}
 * and {@code join}): producers wait while it is full, consumers wait while it is empty.
 *
 * <p><b>Ordering and fairness:</b> items leave in the order they entered. Waiting putters are
 * admitted in arrival order and waiting takers are served in arrival order; a newcomer never
 * overtakes a waiter ({@link #offer} fails while putters wait, {@link #poll} returns null while the
 * queue is empty even if a putter is about to be admitted). An item put while takers wait is handed
 * straight to the longest-waiting taker.
 *
 * <p><b>Timeouts and cancellation:</b> a put that times out, is interrupted or whose future is
 * cancelled leaves its item out of the queue; a take that times out, is interrupted or is cancelled
 * takes nothing. When a cancellation races the grant, exactly one side wins: if the grant came first
 * the take future completes with the item ({@code cancel} returns false) and the put future
 * completes normally, so no item is ever lost or delivered twice. A zero timeout tries once and
 * fails at once with {@link GuardTimeoutException}.
 *
 * <p><b>Task tracking:</b> every item put (by any form of put or offer) adds one unfinished task;
 * {@link #taskDone()} removes one. {@link #join()} waits until the count is zero.
 *
 * <p><b>Memory:</b> actions in a thread before it puts an item happen-before the actions of the
 * thread (or future callback) that receives that item; actions before {@link #taskDone()} that
 * brings the count to zero happen-before the return of the joins it releases.
 *
 * <p>Nulls are rejected. Metrics: each put, offer, take and poll is an arrival with one wait outcome
 * ({@code acquired}, {@code timeout}, {@code rejected}, {@code cancelled}, {@code interrupted});
 * there is no hold. Joins are not reported. {@link #snapshot()}: {@code waiting} = putters plus
 * takers waiting, {@code active} = items queued, {@code capacity} = the bound.
 *
 * @param <T> the item type
 */
public interface BoundedQueue<T> extends Primitive {

    /** An uninstrumented queue holding at most {@code capacity} items. */
    static <T> BoundedQueue<T> create(String name, int capacity) {
        return new LocalBoundedQueue<>(name, capacity, PrimitiveListener.NONE);
    }

    /** A queue holding at most {@code capacity} items, reporting to {@code listener}. */
    static <T> BoundedQueue<T> create(String name, int capacity, PrimitiveListener listener) {
        return new LocalBoundedQueue<>(name, capacity, listener);
    }

    @Override
    default Kind kind() {
        return Kind.QUEUE;
    }

    /** Puts {@code item}, waiting as long as it takes for room. */
    default void put(T item) throws InterruptedException {
        put(item, Durations.FOREVER);
    }

    /**
     * Puts {@code item}, waiting at most {@code timeout} for room (FIFO among waiting putters).
     *
     * @throws GuardTimeoutException when no room came in time; the item was not queued
     * @throws InterruptedException when interrupted while waiting; the item was not queued
     */
    void put(T item, Duration timeout) throws InterruptedException;

    /** Puts {@code item} if there is room now and no putter waits; never waits. */
    boolean offer(T item);

    /**
     * Waits for room without parking a thread. The future completes once the item is queued (or
     * handed to a taker); it fails with {@link GuardTimeoutException} when {@code timeout} runs out.
     * Cancelling it before it completes withdraws the item.
     */
    CompletableFuture<Void> putAsync(T item, Duration timeout);

    /** Takes the oldest item, waiting as long as it takes. */
    default T take() throws InterruptedException {
        return take(Durations.FOREVER);
    }

    /**
     * Takes the oldest item, waiting at most {@code timeout} (FIFO among waiting takers).
     *
     * @throws GuardTimeoutException when no item came in time
     * @throws InterruptedException when interrupted while waiting (no item was taken)
     */
    T take(Duration timeout) throws InterruptedException;

    /** Takes the oldest item if there is one; otherwise {@code null}. Never waits. */
    T poll();

    /**
     * Waits for an item without parking a thread; the future fails with {@link GuardTimeoutException}
     * when {@code timeout} runs out. Cancelling it withdraws the take; if an item was granted at that
     * very moment, {@code cancel} returns false and the future completes with the item.
     */
    CompletableFuture<T> takeAsync(Duration timeout);

    /**
     * Marks one unfinished task done (asyncio's {@code task_done}).
     *
     * @throws IllegalStateException when called more times than items were put
     */
    void taskDone();

    /** Waits, as long as it takes, until every item ever put has been marked done. */
    default void join() throws InterruptedException {
        join(Durations.FOREVER);
    }

    /**
     * Waits at most {@code timeout} until every item ever put has been marked done.
     *
     * @throws GuardTimeoutException when tasks remain unfinished after {@code timeout}
     */
    void join(Duration timeout) throws InterruptedException;

    /** Like {@link #join(Duration)} without parking a thread; cancelling the future withdraws the wait. */
    CompletableFuture<Void> joinAsync(Duration timeout);

    /** Items queued now. */
    int size();

    /** The most items the queue holds. */
    int capacity();

    /** Items put and not yet marked done. */
    int unfinishedTasks();
}
