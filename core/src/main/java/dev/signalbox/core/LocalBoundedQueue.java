package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.spi.Probe;

/**
 * The in-JVM {@link BoundedQueue}.
 *
 * <h2>Algorithm</h2>
 * One {@link WaitQueue} lock guards the items, three FIFO {@link WaitList}s (putters, takers,
 * joiners) and the unfinished-task count. It is held only to move items and flip waiters' status,
 * never while a thread parks, a future completes or the listener runs: a grant is decided under the
 * lock by {@link WaitQueue#grant} and delivered once the lock is released.
 *
 * <p>Invariant whenever the lock is free: live takers wait only while the queue is empty, and live
 * putters wait only while it is full. So a put first hands its item to the oldest live taker (the
 * queue is then empty, so FIFO holds), else appends it if there is room, else waits with the item
 * as its waiter's request. A take removes the head item and, since that frees one slot, admits the
 * oldest live putter by moving its item to the tail. Waiters that gave up (their status CAS to
 * CANCELLED won) are skipped and unlinked wherever they are met; their own withdrawal then finds
 * them gone.
 *
 * <p>Why nothing is lost or duplicated: an item moves into a taker, or a putter's item into the
 * queue, only through a successful WAITING-to-GRANTED CAS made under the lock. A give-up that lost
 * that CAS does nothing, so the granted taker's future completes with the item and the granted
 * putter's item stays queued; a give-up that won it makes the grant fail, and the item stays where
 * it was (in the queue, or with its putter, which then leaves).
 */
final class LocalBoundedQueue<T> implements BoundedQueue<T> {

    private final String name;
    private final int capacity;
    private final Probe probe;
    private final WaitQueue queue = new WaitQueue();
    // Guarded by the queue's lock.
    private final ArrayDeque<T> items;
    private int unfinished;

    /** Putters waiting for room; a putter's request is the item it offers. */
    private final Waits<Void, T> puts = new Waits<>(true) {
        @Override
        public boolean admit(Waiter<Void, T> putter) {
            return putLocked(putter.request);
        }
    };
    /** Takers waiting for an item; an item found at once is stored as the (never queued) taker's value. */
    private final Waits<T, Void> takes = new Waits<>(true) {
        @Override
        public boolean admit(Waiter<T, Void> taker) {
            T item = takeLocked();
            if (item == null) {
                return false;
            }
            taker.value = item;
            return true;
        }
    };
    /** Joiners waiting for the unfinished count to reach zero. */
    private final Waits<Void, Void> joins = new Waits<>(false) {
        @Override
        public boolean admit(Waiter<Void, Void> joiner) {
            return unfinished == 0;
        }
    };

    LocalBoundedQueue(String name, int capacity, PrimitiveListener listener) {
        this.name = Names.require(name);
        if (capacity < 1) {
            throw new IllegalArgumentException(Kind.QUEUE.tag() + " '" + name + "': capacity must be at least 1, was "
                    + capacity + "; pass the most items the queue may hold");
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
        this.probe = new Probe(this, listener);
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
        boolean placed;
        queue.lock();
        try {
            placed = putLocked(item);
        } finally {
            queue.unlock();
        }
        probe.endedAtOnce(placed ? Outcome.ACQUIRED : Outcome.REJECTED);
        return placed;
    }

    @Override
    public CompletableFuture<Void> putAsync(T item, Duration timeout) {
        requireItem(item);
        return awaitAsync(puts, item, timeout);
    }

    /**
     * Under the lock: hands {@code item} to the oldest live taker, or appends it if there is room.
     *
     * @return true when the item was delivered or queued; false when the queue is full
     */
    private boolean putLocked(T item) {
        boolean delivered = false;
        Waiter<T, Void> taker;
        while (!delivered && (taker = takes.list.peek()) != null) {
            delivered = queue.grant(taker, item);
        }
        if (!delivered) {
            if (items.size() >= capacity) {
                return false;
            }
            items.addLast(item);
        }
        unfinished++;
        return true;
    }

    // ---------------------------------------------------------------- take

    @Override
    public T take(Duration timeout) throws InterruptedException {
        return awaitBlocking(takes, null, timeout);
    }

    @Override
    public T poll() {
        probe.arriveAtOnce(); // try-once: no wait to time
        T item;
        queue.lock();
        try {
            item = takeLocked();
        } finally {
            queue.unlock();
        }
        probe.endedAtOnce(item != null ? Outcome.ACQUIRED : Outcome.REJECTED);
        return item;
    }

    @Override
    public CompletableFuture<T> takeAsync(Duration timeout) {
        return awaitAsync(takes, null, timeout);
    }

    /** Under the lock: removes the head item, admitting the oldest live putter into the freed slot; null when empty. */
    private T takeLocked() {
        T item = items.pollFirst();
        if (item != null) {
            Waiter<Void, T> putter;
            while ((putter = puts.list.peek()) != null) {
                if (queue.grant(putter)) {
                    items.addLast(putter.request);
                    unfinished++;
                    break;
                }
            }
        }
        return item;
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
    public CompletableFuture<Void> joinAsync(Duration timeout) {
        return awaitAsync(joins, null, timeout);
    }

    // ---------------------------------------------------------------- waiting, in both forms

    /** Admits at once, or (unless the timeout is zero) queues and waits; returns the granted value. */
    private <V, R> V awaitBlocking(Waits<V, R> waits, R request, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = waits.arrive();
        BlockingWaiter<V, R> waiter = new BlockingWaiter<>(waits.list, waits, 1, request, arrivedAt);
        if (!(timeoutNanos == 0L ? waits.list.admitNow(waiter) : waits.list.enqueue(waiter))) {
            if (timeoutNanos == 0L) {
                waits.report(arrivedAt, Outcome.REJECTED);
                throw timedOut(timeout);
            }
            if (!waiter.await(timeoutNanos)) {
                throw timedOut(timeout);
            }
        }
        waits.report(arrivedAt, Outcome.ACQUIRED);
        return waiter.value;
    }

    private <V, R> CompletableFuture<V> awaitAsync(Waits<V, R> waits, R request, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = waits.arrive();
        AsyncWaiter<V, R> waiter = new AsyncWaiter<>(waits.list, waits, 1, request, arrivedAt);
        if (timeoutNanos == 0L ? waits.list.admitNow(waiter) : waits.list.enqueue(waiter)) {
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
     * One kind of wait (put, take or join): its list, what admitting a caller at once means (under
     * the lock: {@link #admit}), how a granted caller is reported, and that a withdrawn one just
     * leaves (it holds nobody back).
     */
    private abstract class Waits<V, R> implements WaitOwner<V, R>, WaitPolicy<Waiter<V, R>> {

        final WaitList<Waiter<V, R>> list = new WaitList<>(queue, this);
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

        /** Async grants: reports and returns the granted value (the item, for a taker). */
        @Override
        public V granted(Waiter<V, R> waiter) {
            report(waiter.arrivedAt, Outcome.ACQUIRED);
            return waiter.value;
        }

        @Override
        public void ended(Waiter<V, R> waiter, Outcome outcome) {
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
        return Kind.QUEUE.tag() + " '" + name + "' (" + size() + "/" + capacity + " items)";
    }

    private void requireItem(T item) {
        if (item == null) {
            throw new NullPointerException(Kind.QUEUE.tag() + " '" + name + "' does not accept null items");
        }
    }
}
