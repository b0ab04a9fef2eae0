package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-JVM {@link BoundedQueue}.
 *
 * <h2>Algorithm</h2>
 * One {@link ReentrantLock} guards the items, three FIFO {@link WaitList}s (putters, takers,
 * joiners) and the unfinished-task count. It is held only to move items and flip waiters' status,
 * never while a thread parks, a future completes or the listener runs: a grant is decided under the
 * lock by {@link Waiter#grant} and delivered by {@link Waiter#wake()} after unlocking.
 *
 * <p>Invariant whenever the lock is free: live takers wait only while the queue is empty, and live
 * putters wait only while it is full. So a put first hands its item to the oldest live taker (the
 * queue is then empty, so FIFO holds), else appends it if there is room, else waits with the item
 * attached to its waiter. A take removes the head item and, since that frees one slot, admits the
 * oldest live putter by moving its attached item to the tail. Waiters that gave up (their status CAS
 * to CANCELLED won) are skipped and unlinked wherever they are met; their own {@code abandon} then
 * finds them gone.
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
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final ArrayDeque<T> items;
    private final WaitList putters = new WaitList();
    private final WaitList takers = new WaitList();
    private final WaitList joiners = new WaitList();
    private int unfinished;

    private final Waits<Void> putWaits = new Waits<>(putters, true);
    private final Waits<T> takeWaits = new Waits<>(takers, true);
    private final Waits<Void> joinWaits = new Waits<>(joiners, false);

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
        awaitBlocking(putWaits, timeout, (waiter, mayWait) -> putOrEnqueue(item, mayWait ? waiter : null));
    }

    @Override
    public boolean offer(T item) {
        requireItem(item);
        probe.arriveAtOnce(); // try-once: no wait to time
        boolean placed = putOrEnqueue(item, null);
        probe.endedAtOnce(placed ? Outcome.ACQUIRED : Outcome.REJECTED);
        return placed;
    }

    @Override
    public CompletableFuture<Void> putAsync(T item, Duration timeout) {
        requireItem(item);
        return awaitAsync(putWaits, timeout, (waiter, mayWait) -> putOrEnqueue(item, mayWait ? waiter : null));
    }

    /**
     * Hands {@code item} to the oldest live taker, or queues it if there is room, or (when
     * {@code waiter} is not null) parks it with {@code waiter} in the putters' list.
     *
     * @return true when the item was delivered or queued now
     */
    private boolean putOrEnqueue(T item, Waiter<Void> waiter) {
        Waiter<?> receiver;
        boolean placed = true;
        lock.lock();
        try {
            receiver = grantOldestTaker(item);
            if (receiver == null) {
                if (items.size() < capacity) {
                    items.addLast(item);
                } else {
                    placed = false;
                    if (waiter != null) {
                        waiter.attachment = item;
                        putters.add(waiter);
                    }
                }
            }
            if (placed) {
                unfinished++;
            }
        } finally {
            lock.unlock();
        }
        if (receiver != null) {
            Wakeups.wake(receiver);
        }
        return placed;
    }

    /** Under the lock: grants {@code item} to the oldest live taker and returns it (to wake), or null. */
    @SuppressWarnings("unchecked")
    private Waiter<?> grantOldestTaker(T item) {
        Waiter<?> head;
        while ((head = takers.peek()) != null) {
            takers.remove(head);
            if (((Waiter<T>) head).grant(item)) {
                return head;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- take

    @Override
    public T take(Duration timeout) throws InterruptedException {
        return awaitBlocking(takeWaits, timeout, this::takeInto);
    }

    @Override
    public T poll() {
        probe.arriveAtOnce(); // try-once: no wait to time
        T item = takeOrEnqueue(null);
        probe.endedAtOnce(item != null ? Outcome.ACQUIRED : Outcome.REJECTED);
        return item;
    }

    @Override
    public CompletableFuture<T> takeAsync(Duration timeout) {
        return awaitAsync(takeWaits, timeout, this::takeInto);
    }

    /** A take attempt: an item found now is stored in the (never enqueued) waiter's value. */
    private boolean takeInto(Waiter<T> waiter, boolean mayWait) {
        T item = takeOrEnqueue(mayWait ? waiter : null);
        if (item == null) {
            return false;
        }
        waiter.value = item;
        return true;
    }

    /** Removes the head item (admitting the oldest live putter into the freed slot), or enqueues {@code waiter}. */
    @SuppressWarnings("unchecked")
    private T takeOrEnqueue(Waiter<T> waiter) {
        T item;
        Waiter<?> admitted = null;
        lock.lock();
        try {
            item = items.pollFirst();
            if (item != null) {
                Waiter<?> head;
                while ((head = putters.peek()) != null) {
                    putters.remove(head);
                    if (((Waiter<Void>) head).grant(null)) {
                        items.addLast((T) head.attachment);
                        unfinished++;
                        admitted = head;
                        break;
                    }
                }
            } else if (waiter != null) {
                takers.add(waiter);
            }
        } finally {
            lock.unlock();
        }
        if (admitted != null) {
            admitted.attachment = null;
            Wakeups.wake(admitted);
        }
        return item;
    }

    // ---------------------------------------------------------------- task tracking

    @Override
    public void taskDone() {
        List<Waiter<?>> released = List.of();
        lock.lock();
        try {
            if (unfinished == 0) {
                throw new IllegalStateException(Kind.QUEUE.tag() + " '" + name
                        + "': taskDone() called more times than items were put; call it once per item taken and processed");
            }
            if (--unfinished == 0 && !joiners.isEmpty()) {
                released = joiners.grantFromHead(Integer.MAX_VALUE);
            }
        } finally {
            lock.unlock();
        }
        Wakeups.wakeAll(released);
    }

    @Override
    public void join(Duration timeout) throws InterruptedException {
        awaitBlocking(joinWaits, timeout, this::joinOrEnqueue);
    }

    @Override
    public CompletableFuture<Void> joinAsync(Duration timeout) {
        return awaitAsync(joinWaits, timeout, this::joinOrEnqueue);
    }

    private boolean joinOrEnqueue(Waiter<Void> waiter, boolean mayWait) {
        lock.lock();
        try {
            if (unfinished == 0) {
                return true;
            }
            if (mayWait) {
                joiners.add(waiter);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- waiting, in both forms

    /** One try of an operation under the lock; when it cannot succeed now and {@code mayWait}, it enqueues {@code waiter}. */
    @FunctionalInterface
    private interface Attempt<V> {
        boolean tryOrEnqueue(Waiter<V> waiter, boolean mayWait);
    }

    private <V> V awaitBlocking(Waits<V> waits, Duration timeout, Attempt<V> attempt) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = waits.arrive();
        BlockingWaiter<V> waiter = new BlockingWaiter<>(waits, 1, arrivedAt);
        if (!attempt.tryOrEnqueue(waiter, timeoutNanos != 0L)) {
            if (timeoutNanos == 0L) {
                waits.ended(arrivedAt, Outcome.REJECTED);
                throw timedOut(timeout);
            }
            if (!waiter.await(timeoutNanos)) {
                throw timedOut(timeout);
            }
        }
        waits.ended(arrivedAt, Outcome.ACQUIRED);
        return waiter.value;
    }

    private <V> CompletableFuture<V> awaitAsync(Waits<V> waits, Duration timeout, Attempt<V> attempt) {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = waits.arrive();
        AsyncWaiter<V> waiter = new AsyncWaiter<>(waits, 1, arrivedAt);
        if (attempt.tryOrEnqueue(waiter, timeoutNanos != 0L)) {
            waits.ended(arrivedAt, Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(waiter.value);
        }
        if (timeoutNanos == 0L) {
            waits.ended(arrivedAt, Outcome.REJECTED);
            return CompletableFuture.failedFuture(timedOut(timeout));
        }
        waiter.armTimeout(timeoutNanos, () -> timedOut(timeout));
        return waiter.future;
    }

    private GuardTimeoutException timedOut(Duration timeout) {
        return new GuardTimeoutException(name, Kind.QUEUE, timeout);
    }

    /** The waiters of one list: how a granted one is reported and how one that gave up leaves. */
    private final class Waits<V> implements WaitOwner<V> {

        private final WaitList list;
        /** Puts and takes are reported to the probe; joins are not. */
        private final boolean reported;

        Waits(WaitList list, boolean reported) {
            this.list = list;
            this.reported = reported;
        }

        long arrive() {
            return reported ? probe.arrive() : 0L;
        }

        void ended(long arrivedAt, Outcome outcome) {
            if (reported) {
                probe.waitEnded(arrivedAt, outcome);
            }
        }

        /** Async grants: reports and returns the granted value (the item, for a taker). */
        @Override
        public V granted(Waiter<V> waiter) {
            ended(waiter.arrivedAt, Outcome.ACQUIRED);
            return waiter.value;
        }

        @Override
        public void abandon(Waiter<V> waiter, Outcome outcome) {
            lock.lock();
            try {
                list.remove(waiter);
            } finally {
                lock.unlock();
            }
            waiter.attachment = null;
            ended(waiter.arrivedAt, outcome);
        }
    }

    // ---------------------------------------------------------------- state

    @Override
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int unfinishedTasks() {
        lock.lock();
        try {
            return unfinished;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Snapshot snapshot() {
        int waiting;
        int queued;
        lock.lock();
        try {
            waiting = putters.size() + takers.size();
            queued = items.size();
        } finally {
            lock.unlock();
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
