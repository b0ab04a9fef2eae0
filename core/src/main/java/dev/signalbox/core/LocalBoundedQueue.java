package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.spi.Probe;

/**
 * The in-JVM {@link BoundedQueue}, in every order (FIFO, LIFO, priority) and bounded or not.
 *
 * <h2>Algorithm</h2>
 * One {@link WaitQueue} lock guards the items ({@link QueueItems}, which alone knows the order),
 * three FIFO {@link WaitList}s (putters, takers, joiners), the unfinished-task count and the
 * shut-down flag. It is held only to move items and flip waiters' status, never while a thread
 * parks, a future completes or the listener runs: a grant is decided under the lock by
 * {@link WaitQueue#grant} and delivered once the lock is released. (A priority queue's comparator
 * is the one piece of caller code that runs under the lock: see {@link QueueItems}.)
 *
 * <p>Invariant whenever the lock is free: live takers wait only while the queue is empty, and live
 * putters wait only while it is full (never, when unbounded) and not shut down. So a put first
 * hands its item to the oldest live taker (the queue is then empty, so the item would be next
 * whatever the order), else adds it if there is room, else waits with the item as its waiter's
 * request. A take removes the next item in the queue's order and, since that frees one slot,
 * admits the oldest live putter by adding its item. Waiters that gave up (their status CAS to
 * CANCELLED won) are skipped and unlinked wherever they are met; their own withdrawal then finds
 * them gone.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(boolean)} sets the flag and, under the same lock, grants every waiting putter and
 * taker the {@link Refused#SHUT_DOWN} marker instead of an item (after dropping the items and
 * marking them done when immediate, and releasing the joiners if that brought the count to zero).
 * A granted waiter that finds the marker fails with {@link QueueShutDownException}: a blocking one
 * when its wait returns, an async one in {@link Waits#granted} (which the framework turns into a
 * failed future). Calls that arrive later are refused by the same admission under the lock. So a
 * waiter ends exactly once, either with what it was granted (an item, a place) or with the refusal,
 * decided by its one status CAS; a withdrawal that wins the CAS makes the refusal skip it.
 *
 * <p>Why nothing is lost or duplicated: an item moves into a taker, or a putter's item into the
 * queue, only through a successful WAITING-to-GRANTED CAS made under the lock. A give-up that lost
 * that CAS does nothing, so the granted taker's future completes with the item and the granted
 * putter's item stays queued; a give-up that won it makes the grant fail, and the item stays where
 * it was (in the queue, or with its putter, which then leaves). A priority queue compares a
 * waiting putter's item ({@link QueueItems#locate}) before granting it, so a throwing comparator
 * fails that putter (with what the comparator threw) and never drops an item it admitted.
 */
final class LocalBoundedQueue<T> implements BoundedQueue<T> {

    private final String name;
    /** The bound, or {@link BoundedQueue#UNBOUNDED}. */
    private final int capacity;
    /** The most items held: the bound, or {@link Integer#MAX_VALUE} when unbounded. */
    private final int limit;
    private final Probe probe;
    private final WaitQueue queue = new WaitQueue();
    // Guarded by the queue's lock.
    private final QueueItems<T> items;
    private int unfinished;
    /** Written under the lock; volatile for {@link #isShutDown()}. */
    private volatile boolean shutDown;

    /** Putters waiting for room; a putter's request is the item it offers. */
    private final Waits<T> puts = new Waits<>(true) {
        @Override
        public boolean admit(Waiter<Object, T> putter) {
            if (shutDown) {
                putter.value = Refused.SHUT_DOWN;
                return true;
            }
            return putLocked(putter.request);
        }
    };
    /** Takers waiting for an item; an item found at once is stored as the (never queued) taker's value. */
    private final Waits<Void> takes = new Waits<>(true) {
        @Override
        public boolean admit(Waiter<Object, Void> taker) {
            T item = takeLocked();
            if (item != null) {
                taker.value = item;
                return true;
            }
            if (shutDown) {
                taker.value = Refused.SHUT_DOWN;
                return true;
            }
            return false;
        }
    };
    /** Joiners waiting for the unfinished count to reach zero; a shutdown does not end a join. */
    private final Waits<Void> joins = new Waits<>(false) {
        @Override
        public boolean admit(Waiter<Object, Void> joiner) {
            return unfinished == 0;
        }
    };

    /** A bounded FIFO queue. */
    LocalBoundedQueue(String name, int capacity, PrimitiveListener listener) {
        this(name, requireCapacity(name, capacity), QueueItems.fifo(capacity), listener);
    }

    /**
     * @param capacity at least 1 (validated by the caller, {@link #requireCapacity}), or
     *     {@link BoundedQueue#UNBOUNDED}
     */
    LocalBoundedQueue(String name, int capacity, QueueItems<T> items, PrimitiveListener listener) {
        this.name = Names.require(name);
        this.capacity = capacity;
        this.limit = capacity == UNBOUNDED ? Integer.MAX_VALUE : capacity;
        this.items = items;
        this.probe = new Probe(this, listener);
    }

    /** Returns {@code capacity} when it is at least 1; otherwise throws, naming the queue. */
    static int requireCapacity(String name, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(Kind.QUEUE.tag() + " '" + name + "': capacity must be at least 1, was "
                    + capacity + "; pass the most items the queue may hold (for no limit, asyncio's maxsize=0, use"
                    + " BoundedQueue.unbounded, unboundedLifo or unboundedPriority)");
        }
        return capacity;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    // ---------------------------------------------------------------- put

    @Override
    public void put(T item, Duration timeout) throws InterruptedException {
        requireItem(item);
        awaitBlocking(puts, item, timeout);
    }

    @Override
    public boolean offer(T item) {
        requireItem(item);
        probe.arriveAtOnce(); // try-once: no wait to time
        boolean refused = false;
        boolean placed = false;
        RuntimeException failure = null;
        queue.lock();
        try {
            if (shutDown) {
                refused = true;
            } else {
                placed = putLocked(item);
            }
        } catch (RuntimeException e) { // a priority queue's comparator threw: nothing changed
            failure = e;
        } finally {
            queue.unlock();
        }
        probe.endedAtOnce(placed ? Outcome.ACQUIRED : Outcome.REJECTED);
        if (failure != null) {
            throw failure;
        }
        if (refused) {
            throw new QueueShutDownException(name, true);
        }
        return placed;
    }

    @Override
    @SuppressWarnings("unchecked") // a putter let through is granted null
    public CompletableFuture<Void> putAsync(T item, Duration timeout) {
        requireItem(item);
        return (CompletableFuture<Void>) (CompletableFuture<?>) awaitAsync(puts, item, timeout);
    }

    /**
     * Under the lock, not shut down: hands {@code item} to the oldest live taker, or adds it if
     * there is room. Throws, changing nothing, when a priority queue's comparator throws.
     *
     * @return true when the item was delivered or queued; false when the queue is full
     */
    private boolean putLocked(T item) {
        boolean delivered = false;
        Waiter<Object, Void> taker;
        while (!delivered && (taker = takes.list.peek()) != null) {
            delivered = queue.grant(taker, item);
        }
        if (!delivered) {
            if (items.size() >= limit) {
                return false;
            }
            items.place(item, items.locate(item));
        }
        unfinished++;
        return true;
    }

    // ---------------------------------------------------------------- take

    @Override
    @SuppressWarnings("unchecked") // a taker's value is an item of this queue (Refused values throw)
    public T take(Duration timeout) throws InterruptedException {
        return (T) awaitBlocking(takes, null, timeout);
    }

    @Override
    public T poll() {
        probe.arriveAtOnce(); // try-once: no wait to time
        T item = null;
        boolean refused = false;
        RuntimeException failure = null;
        queue.lock();
        try {
            item = takeLocked();
            refused = item == null && shutDown;
        } catch (RuntimeException e) { // a priority queue's comparator threw: nothing changed
            failure = e;
        } finally {
            queue.unlock();
        }
        probe.endedAtOnce(item != null ? Outcome.ACQUIRED : Outcome.REJECTED);
        if (failure != null) {
            throw failure;
        }
        if (refused) {
            throw new QueueShutDownException(name, false);
        }
        return item;
    }

    @Override
    @SuppressWarnings("unchecked") // completes with an item of this queue (Refused values fail it)
    public CompletableFuture<T> takeAsync(Duration timeout) {
        return (CompletableFuture<T>) (CompletableFuture<?>) awaitAsync(takes, null, timeout);
    }

    /**
     * Under the lock: removes the next item in the queue's order, admitting the oldest live putter
     * into the freed slot; null when empty. Throws, changing nothing, when a priority queue's
     * comparator throws while removing.
     */
    private T takeLocked() {
        T item = items.poll();
        if (item != null) {
            Waiter<Object, T> putter;
            while ((putter = puts.list.peek()) != null) {
                int slot;
                try {
                    slot = items.locate(putter.request);
                } catch (RuntimeException e) {
                    // The comparator cannot order this putter's item: fail that put, keep the taken item.
                    queue.grant(putter, new Refused(e));
                    continue;
                }
                if (queue.grant(putter)) {
                    items.place(putter.request, slot);
                    unfinished++;
                    break;
                }
            }
        }
        return item;
    }

    // ---------------------------------------------------------------- shutdown

    @Override
    public void shutdown(boolean immediate) {
        queue.lock();
        try {
            shutDown = true;
            if (immediate) {
                int dropped = items.size();
                items.clear();
                // Each dropped item counts as done (CPython: task_done per item while the count is positive).
                unfinished -= Math.min(dropped, unfinished);
                if (unfinished == 0) {
                    joins.list.grantFromHead(Integer.MAX_VALUE);
                }
            }
            // Takers wait only while the queue is empty, so every one of them is refused, as is every putter.
            refuseAll(takes);
            refuseAll(puts);
        } finally {
            queue.unlock();
        }
    }

    /** Under the lock: grants every live waiter of {@code waits} the shut-down refusal. */
    private void refuseAll(Waits<?> waits) {
        Waiter<Object, ?> w;
        while ((w = waits.list.peek()) != null) {
            queue.grant(w, Refused.SHUT_DOWN);
        }
    }

    @Override
    public boolean isShutDown() {
        return shutDown;
    }

    // ---------------------------------------------------------------- task tracking

    @Override
    public void taskDone() {
        queue.lock();
        try {
            if (unfinished == 0) {
                throw new IllegalStateException(Kind.QUEUE.tag() + " '" + name
                        + "': taskDone() called more times than items were put; call it once per item taken and processed");
            }
            if (--unfinished == 0) {
                joins.list.grantFromHead(Integer.MAX_VALUE);
            }
        } finally {
            queue.unlock();
        }
    }

    @Override
    public void join(Duration timeout) throws InterruptedException {
        awaitBlocking(joins, null, timeout);
    }

    @Override
    @SuppressWarnings("unchecked") // a joiner is granted null
    public CompletableFuture<Void> joinAsync(Duration timeout) {
        return (CompletableFuture<Void>) (CompletableFuture<?>) awaitAsync(joins, null, timeout);
    }

    // ---------------------------------------------------------------- waiting, in both forms

    /**
     * Admits at once, or (unless the timeout is zero) queues and waits; returns the granted value,
     * or throws the refusal it was granted instead.
     */
    private <R> Object awaitBlocking(Waits<R> waits, R request, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = waits.arrive();
        BlockingWaiter<Object, R> waiter = new BlockingWaiter<>(waits, 1, request, arrivedAt);
        boolean admitted;
        try {
            admitted = timeoutNanos == 0L ? waits.list.admitNow(waiter) : waits.list.enqueue(waiter);
        } catch (RuntimeException e) { // a priority queue's comparator threw: nothing changed
            waits.report(arrivedAt, Outcome.REJECTED);
            throw e;
        }
        if (!admitted) {
            if (timeoutNanos == 0L) {
                waits.report(arrivedAt, Outcome.REJECTED);
                throw timedOut(timeout);
            }
            if (!waiter.await(timeoutNanos)) {
                throw timedOut(timeout);
            }
        }
        if (waiter.value instanceof Refused refused) {
            waits.report(arrivedAt, Outcome.REJECTED);
            throw refused.error(name, waits == puts);
        }
        waits.report(arrivedAt, Outcome.ACQUIRED);
        return waiter.value;
    }

    private <R> CompletableFuture<Object> awaitAsync(Waits<R> waits, R request, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = waits.arrive();
        AsyncWaiter<Object, R> waiter = new AsyncWaiter<>(waits, 1, request, arrivedAt);
        boolean admitted;
        try {
            admitted = timeoutNanos == 0L ? waits.list.admitNow(waiter) : waits.list.enqueue(waiter);
        } catch (RuntimeException e) { // a priority queue's comparator threw: nothing changed
            waits.report(arrivedAt, Outcome.REJECTED);
            return CompletableFuture.failedFuture(e);
        }
        if (admitted) {
            if (waiter.value instanceof Refused refused) {
                waits.report(arrivedAt, Outcome.REJECTED);
                return CompletableFuture.failedFuture(refused.error(name, waits == puts));
            }
            waits.report(arrivedAt, Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(waiter.value);
        }
        if (timeoutNanos == 0L) {
            waits.report(arrivedAt, Outcome.REJECTED);
            return CompletableFuture.failedFuture(timedOut(timeout));
        }
        waiter.armTimeout(timeoutNanos, () -> timedOut(timeout));
        return waiter.future;
    }

    private GuardTimeoutException timedOut(Duration timeout) {
        return new GuardTimeoutException(name, Kind.QUEUE, timeout);
    }

    /**
     * What a waiter is granted instead of an item or a place: the queue was shut down
     * ({@link #SHUT_DOWN}), or a priority queue's comparator could not order a waiting putter's item.
     * Never an item: the class is private, so no caller can put one.
     */
    private record Refused(RuntimeException cause) {

        static final Refused SHUT_DOWN = new Refused(null);

        /** The exception the refused caller fails with: a fresh {@link QueueShutDownException}, or the comparator's. */
        RuntimeException error(String queueName, boolean put) {
            return cause == null ? new QueueShutDownException(queueName, put) : cause;
        }
    }

    /**
     * One kind of wait (put, take or join): its list, what admitting a caller at once means (under
     * the lock: {@link #admit}), how a granted caller is reported, and that a withdrawn one just
     * leaves (it holds nobody back). A waiter's value is an item (a taker), null (a putter or
     * joiner let through) or a {@link Refused}.
     */
    private abstract class Waits<R> implements WaitOwner<Object, R>, WaitPolicy<Waiter<Object, R>> {

        final WaitList<Waiter<Object, R>> list = new WaitList<>(queue, this);

        @Override
        public WaitList<? super Waiter<Object, R>> waitList() {
            return list;
        }
        /** Puts and takes are reported to the probe; joins are not. */
        private final boolean reported;

        Waits(boolean reported) {
            this.reported = reported;
        }

        long arrive() {
            return reported ? probe.arrive() : 0L;
        }

        void report(long arrivedAt, Outcome outcome) {
            if (reported) {
                probe.waitEnded(arrivedAt, outcome);
            }
        }

        /** Async grants: reports and returns the granted value (the item, for a taker), or throws the refusal. */
        @Override
        public Object granted(Waiter<Object, R> waiter) {
            if (waiter.value instanceof Refused refused) {
                report(waiter.arrivedAt, Outcome.REJECTED);
                throw refused.error(name, this == puts);
            }
            report(waiter.arrivedAt, Outcome.ACQUIRED);
            return waiter.value;
        }

        @Override
        public void ended(Waiter<Object, R> waiter, Outcome outcome) {
            report(waiter.arrivedAt, outcome);
        }
    }

    // ---------------------------------------------------------------- state

    @Override
    public int size() {
        queue.lock();
        try {
            return items.size();
        } finally {
            queue.unlock();
        }
    }

    @Override
    public int unfinishedTasks() {
        queue.lock();
        try {
            return unfinished;
        } finally {
            queue.unlock();
        }
    }

    @Override
    public Snapshot snapshot() {
        int waiting;
        int queued;
        queue.lock();
        try {
            waiting = puts.list.size() + takes.list.size();
            queued = items.size();
        } finally {
            queue.unlock();
        }
        return new Snapshot(name, Kind.QUEUE, waiting, queued, capacity, List.of());
    }

    @Override
    public String toString() {
        return Kind.QUEUE.tag() + " '" + name + "' (" + items.order() + ", " + size() + "/"
                + (capacity == UNBOUNDED ? "unbounded" : String.valueOf(capacity)) + " items"
                + (shutDown ? ", shut down" : "") + ")";
    }

    private void requireItem(T item) {
        if (item == null) {
            throw new NullPointerException(Kind.QUEUE.tag() + " '" + name + "' does not accept null items");
        }
    }
}
