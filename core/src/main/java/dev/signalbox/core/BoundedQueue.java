package dev.signalbox.core;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;

/**
 * A queue with task tracking, asyncio's {@code Queue}, {@code LifoQueue} and {@code PriorityQueue}
 * (Python 3.13, with {@code task_done}, {@code join} and {@code shutdown}): producers wait while it
 * is full, consumers wait while it is empty.
 *
 * <p><b>Forms:</b> {@link #create} (FIFO), {@link #lifo} (the newest item leaves first) and
 * {@link #priority} (the smallest item by a comparator leaves first; items that compare equal
 * leave in the order they entered), each bounded, or unbounded ({@link #unbounded},
 * {@link #unboundedLifo}, {@link #unboundedPriority}: asyncio's {@code maxsize=0}, where a put
 * never waits and {@link #capacity()} is {@link #UNBOUNDED}). Only the order in which items leave
 * differs; waiting, timeouts, cancellation, task tracking, shutdown, snapshots and metrics are the
 * same for all.
 *
 * <p><b>Ordering and fairness:</b> waiting putters are admitted in arrival order and waiting takers
 * are served in arrival order, whatever the item order; a newcomer never overtakes a waiter
 * ({@link #offer} fails while putters wait, {@link #poll} returns null while the queue is empty even
 * if a putter is about to be admitted). An item put while takers wait is handed straight to the
 * longest-waiting taker (the queue is empty then, so that item is next in every order).
 *
 * <p><b>Timeouts and cancellation:</b> a put that times out, is interrupted or whose future is
 * cancelled leaves its item out of the queue; a take that times out, is interrupted or is cancelled
 * takes nothing. When a cancellation races the grant (an item, a place, or the shutdown's refusal),
 * exactly one side wins: if the grant came first the take future completes with the item
 * ({@code cancel} returns false) and the put future completes normally (or both fail with
 * {@link QueueShutDownException} if the shutdown came first), so no item is ever lost or delivered
 * twice. A zero timeout tries once and fails at once with {@link GuardTimeoutException}.
 *
 * <p><b>Shutdown</b> ({@link #shutdown(boolean)}, Python 3.13's {@code Queue.shutdown}): from then
 * on every put fails with {@link QueueShutDownException} (blocking, timed, {@link #offer} and
 * async, and the putters already waiting, which are woken); takes go on receiving the items still
 * queued and fail with {@link QueueShutDownException} once it is empty (the takers waiting, which
 * only wait while it is empty, are woken with it at once). {@code shutdown(true)} also drops the
 * queued items and counts each as done, so {@link #join()} returns once the items already taken are
 * marked done. {@link #taskDone()} and joins keep working after a shutdown; a shutdown is final.
 *
 * <p><b>Task tracking:</b> every item put (by any form of put or offer) adds one unfinished task;
 * {@link #taskDone()} removes one, as does each item an immediate shutdown drops. {@link #join()}
 * waits until the count is zero.
 *
 * <p><b>Memory:</b> actions in a thread before it puts an item happen-before the actions of the
 * thread (or future callback) that receives that item; actions before {@link #taskDone()} that
 * brings the count to zero happen-before the return of the joins it releases; actions before
 * {@link #shutdown(boolean)} happen-before the failures it causes.
 *
 * <p>Nulls are rejected. Metrics: each put, offer, take and poll is an arrival with one wait outcome
 * ({@code acquired}, {@code timeout}, {@code rejected}, {@code cancelled}, {@code interrupted}; a
 * call refused because the queue is shut down, or whose item a priority comparator could not
 * order, is {@code rejected}); there is no hold. Joins are not reported. {@link #snapshot()}:
 * {@code waiting} = putters plus takers waiting, {@code active} = items queued, {@code capacity} =
 * the bound, or {@link #UNBOUNDED} (0, which the dashboard's "queue at capacity" warning skips) when there is none.
 *
 * @param <T> the item type
 */
public interface BoundedQueue<T> extends Primitive {

    /**
     * The {@link #capacity()} (and {@link Snapshot#capacity()}) of an unbounded queue: 0, asyncio's
     * {@code maxsize=0}. A bounded queue's capacity is at least 1.
     */
    int UNBOUNDED = 0;

    /** An uninstrumented FIFO queue holding at most {@code capacity} items (at least 1). */
    static <T> BoundedQueue<T> create(String name, int capacity) {
        return create(name, capacity, PrimitiveListener.NONE);
    }

    /** A FIFO queue holding at most {@code capacity} items (at least 1), reporting to {@code listener}. */
    static <T> BoundedQueue<T> create(String name, int capacity, PrimitiveListener listener) {
        return new LocalBoundedQueue<>(name, capacity, listener);
    }

    /** An uninstrumented unbounded FIFO queue (asyncio's {@code Queue()}): a put never waits. */
    static <T> BoundedQueue<T> unbounded(String name) {
        return unbounded(name, PrimitiveListener.NONE);
    }

    /** An unbounded FIFO queue (asyncio's {@code Queue()}), reporting to {@code listener}: a put never waits. */
    static <T> BoundedQueue<T> unbounded(String name, PrimitiveListener listener) {
        return new LocalBoundedQueue<>(name, UNBOUNDED, QueueItems.fifo(UNBOUNDED), listener);
    }

    /** An uninstrumented LIFO queue (asyncio's {@code LifoQueue(maxsize)}) holding at most {@code capacity} items. */
    static <T> BoundedQueue<T> lifo(String name, int capacity) {
        return lifo(name, capacity, PrimitiveListener.NONE);
    }

    /**
     * A LIFO queue (asyncio's {@code LifoQueue(maxsize)}) holding at most {@code capacity} items (at
     * least 1), reporting to {@code listener}: a take receives the item put most recently.
     */
    static <T> BoundedQueue<T> lifo(String name, int capacity, PrimitiveListener listener) {
        return new LocalBoundedQueue<>(name, LocalBoundedQueue.requireCapacity(name, capacity),
                QueueItems.lifo(capacity), listener);
    }

    /** An uninstrumented unbounded LIFO queue (asyncio's {@code LifoQueue()}). */
    static <T> BoundedQueue<T> unboundedLifo(String name) {
        return unboundedLifo(name, PrimitiveListener.NONE);
    }

    /** An unbounded LIFO queue (asyncio's {@code LifoQueue()}), reporting to {@code listener}. */
    static <T> BoundedQueue<T> unboundedLifo(String name, PrimitiveListener listener) {
        return new LocalBoundedQueue<>(name, UNBOUNDED, QueueItems.lifo(UNBOUNDED), listener);
    }

    /** An uninstrumented priority queue (asyncio's {@code PriorityQueue(maxsize)}); see {@link #priority(String, int, Comparator, PrimitiveListener)}. */
    static <T> BoundedQueue<T> priority(String name, int capacity, Comparator<? super T> comparator) {
        return priority(name, capacity, comparator, PrimitiveListener.NONE);
    }

    /**
     * A priority queue (asyncio's {@code PriorityQueue(maxsize)}) holding at most {@code capacity}
     * items (at least 1), reporting to {@code listener}: a take receives the smallest item by
     * {@code comparator}; items that compare equal leave in the order they entered (unlike
     * {@code heapq}, no tie-breaking counter is needed).
     *
     * <p>The comparator is required: pass {@link Comparator#naturalOrder()} for
     * {@link Comparable} items (asyncio's default). It runs under the queue's lock, so it must be
     * fast, must not block or call back into the queue, and must be a consistent total order. If
     * it throws, the call that needed the comparison fails with that exception and the queue is left
     * as it was: a put (or offer) whose item it cannot order is not queued; a take (or poll) that it
     * cannot complete takes nothing; a waiting putter whose item it cannot order when room frees up
     * fails with it, and the take that freed the room still gets its item.
     *
     * @throws NullPointerException when {@code comparator} is null
     */
    static <T> BoundedQueue<T> priority(String name, int capacity, Comparator<? super T> comparator,
            PrimitiveListener listener) {
        requireComparator(name, comparator);
        return new LocalBoundedQueue<>(name, LocalBoundedQueue.requireCapacity(name, capacity),
                QueueItems.priority(comparator), listener);
    }

    /** An uninstrumented unbounded priority queue (asyncio's {@code PriorityQueue()}); see {@link #priority(String, int, Comparator, PrimitiveListener)}. */
    static <T> BoundedQueue<T> unboundedPriority(String name, Comparator<? super T> comparator) {
        return unboundedPriority(name, comparator, PrimitiveListener.NONE);
    }

    /**
     * An unbounded priority queue (asyncio's {@code PriorityQueue()}), reporting to
     * {@code listener}; the comparator's rules are {@link #priority(String, int, Comparator, PrimitiveListener)}'s.
     *
     * @throws NullPointerException when {@code comparator} is null
     */
    static <T> BoundedQueue<T> unboundedPriority(String name, Comparator<? super T> comparator,
            PrimitiveListener listener) {
        requireComparator(name, comparator);
        return new LocalBoundedQueue<>(name, UNBOUNDED, QueueItems.priority(comparator), listener);
    }

    private static void requireComparator(String name, Comparator<?> comparator) {
        if (comparator == null) {
            throw new NullPointerException(Kind.QUEUE.tag() + " '" + name + "': a priority queue needs a comparator;"
                    + " pass Comparator.naturalOrder() for Comparable items");
        }
    }

    @Override
    default Kind kind() {
        return Kind.QUEUE;
    }

    /**
     * Puts {@code item}, waiting as long as it takes for room (never, when unbounded).
     *
     * @throws QueueShutDownException when the queue is or gets shut down before there is room; the item was not queued
     * @throws InterruptedException when interrupted while waiting; the item was not queued
     */
    default void put(T item) throws InterruptedException {
        put(item, Durations.FOREVER);
    }

    /**
     * Puts {@code item}, waiting at most {@code timeout} for room (FIFO among waiting putters;
     * never waits when unbounded).
     *
     * @throws GuardTimeoutException when no room came in time; the item was not queued
     * @throws QueueShutDownException when the queue is or gets shut down before there is room; the item was not queued
     * @throws InterruptedException when interrupted while waiting; the item was not queued
     */
    void put(T item, Duration timeout) throws InterruptedException;

    /**
     * Puts {@code item} if there is room now and no putter waits; never waits (asyncio's
     * {@code put_nowait}, which raises {@code QueueFull} where this returns false).
     *
     * @return true when queued (or handed to a waiting taker); false when full
     * @throws QueueShutDownException when the queue is shut down; the item was not queued
     */
    boolean offer(T item);

    /**
     * Waits for room without parking a thread. The future completes once the item is queued (or
     * handed to a taker); it fails with {@link GuardTimeoutException} when {@code timeout} runs out,
     * and with {@link QueueShutDownException} when the queue is or gets shut down first. Cancelling
     * it before it completes withdraws the item; {@code cancel} returns false when the item was
     * already queued (or the shutdown's refusal came first).
     */
    CompletableFuture<Void> putAsync(T item, Duration timeout);

    /**
     * Takes the next item (the oldest, newest or smallest, by the queue's order), waiting as long as it takes.
     *
     * @throws QueueShutDownException when the queue is shut down and empty, now or while waiting
     * @throws InterruptedException when interrupted while waiting (no item was taken)
     */
    default T take() throws InterruptedException {
        return take(Durations.FOREVER);
    }

    /**
     * Takes the next item in the queue's order, waiting at most {@code timeout} (FIFO among waiting
     * takers). After a shutdown it still returns the items left, then fails.
     *
     * @throws GuardTimeoutException when no item came in time
     * @throws QueueShutDownException when the queue is shut down and empty, now or while waiting
     * @throws InterruptedException when interrupted while waiting (no item was taken)
     */
    T take(Duration timeout) throws InterruptedException;

    /**
     * Takes the next item in the queue's order if there is one; otherwise {@code null}. Never waits
     * (asyncio's {@code get_nowait}, which raises {@code QueueEmpty} where this returns null).
     *
     * @throws QueueShutDownException when the queue is shut down and empty
     */
    T poll();

    /**
     * Waits for an item without parking a thread; the future fails with {@link GuardTimeoutException}
     * when {@code timeout} runs out, and with {@link QueueShutDownException} when the queue is shut
     * down and empty (now, or while it waits). Cancelling it withdraws the take; if an item (or the
     * shutdown's refusal) was granted at that very moment, {@code cancel} returns false and the
     * future completes with the item (or fails with the refusal); an item is never taken by a
     * cancelled future.
     */
    CompletableFuture<T> takeAsync(Duration timeout);

    /**
     * Shuts the queue down, like {@link #shutdown(boolean) shutdown(false)}: puts fail from now on,
     * takes drain the items left and then fail (asyncio's {@code shutdown()}).
     */
    default void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down (Python 3.13's {@code Queue.shutdown(immediate)}); final and idempotent
     * (a later {@code shutdown(true)} still drops what is left). At once, under the queue's lock:
     * <ul>
     * <li>every put from now on fails with {@link QueueShutDownException}, and every putter waiting
     *     now is woken and fails with it (its item is not queued);</li>
     * <li>every taker waiting now (the queue is empty whenever takers wait) is woken and fails with
     *     it; later takes receive the items still queued, then fail with it once it is empty;</li>
     * <li>when {@code immediate}, the queued items are dropped first and each counts as done for
     *     {@link #taskDone()} and {@link #join()} (so joins return once the items already taken are
     *     marked done), and takes fail at once.</li>
     * </ul>
     * A waiter that gave up (timed out, was interrupted or cancelled) before the shutdown reached it
     * keeps that outcome. {@link #taskDone()} and joins are unaffected otherwise.
     */
    void shutdown(boolean immediate);

    /** True once {@link #shutdown(boolean)} was called (asyncio keeps this private as {@code _is_shutdown}). */
    boolean isShutDown();

    /**
     * Marks one unfinished task done (asyncio's {@code task_done}); works after a shutdown too.
     *
     * @throws IllegalStateException when called more times than items were put (less the items an immediate shutdown dropped)
     */
    void taskDone();

    /** Waits, as long as it takes, until every item ever put has been marked done (a shutdown does not end it by itself). */
    default void join() throws InterruptedException {
        join(Durations.FOREVER);
    }

    /**
     * Waits at most {@code timeout} until every item ever put has been marked done (or dropped by an
     * immediate shutdown). FIFO among joiners; all are released together.
     *
     * @throws GuardTimeoutException when tasks remain unfinished after {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    void join(Duration timeout) throws InterruptedException;

    /** Like {@link #join(Duration)} without parking a thread; cancelling the future withdraws the wait. */
    CompletableFuture<Void> joinAsync(Duration timeout);

    /** Items queued now. */
    int size();

    /** True when no item is queued now (asyncio's {@code empty()}); a snapshot, as {@link #size()}. */
    default boolean isEmpty() {
        return size() == 0;
    }

    /**
     * True when the queue holds {@link #capacity()} items now (asyncio's {@code full()}), so a put
     * would wait; never true for an unbounded queue. A snapshot, as {@link #size()}.
     */
    default boolean isFull() {
        int capacity = capacity();
        return capacity != UNBOUNDED && size() >= capacity;
    }

    /** The most items the queue holds (at least 1), or {@link #UNBOUNDED} (0) when it has no limit. */
    int capacity();

    /** Items put and not yet marked done (nor dropped by an immediate shutdown). */
    int unfinishedTasks();
}
