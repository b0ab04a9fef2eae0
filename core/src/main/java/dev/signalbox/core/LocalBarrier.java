package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * The in-JVM {@link Barrier}.
 *
 * <p><b>Algorithm.</b> Each generation is a {@link Generation}: the FIFO list of its waiting parties
 * and, once decided, whether it was released or broken. Every decision is taken under one internal
 * lock; the parties are woken after the lock is released, in arrival order.
 * <ul>
 * <li>An arrival that finds {@code parties - 1} waiters completes the generation: it grants every
 * waiter, marks the generation released and installs a fresh one. A party's own give-up (timeout,
 * interrupt, cancel) flips its waiter's status outside the lock, so one may have slipped in just
 * before: its grant then fails, the generation is marked broken instead (the waiters already
 * granted learn the verdict from the generation, never from the grant alone), and the arrival
 * joins the fresh generation. So a generation is released whole or not at all.</li>
 * <li>A party that gives up breaks its generation (through {@link #abandon}); {@link #abort()}
 * breaks the current one. Breaking grants every waiter still waiting, marks the generation broken
 * with the reason, and installs a fresh generation, so the next arrival starts over.</li>
 * <li>A woken party reads its generation's verdict under the lock, which it can only take once the
 * deciding critical section is over: it returns its index (its waiter's {@code amount}) or fails
 * with {@link BarrierBrokenException}.</li>
 * </ul>
 */
final class LocalBarrier implements Barrier, WaitOwner<Integer> {

    private final String name;
    private final int parties;
    private final Probe probe;
    private final ReentrantLock lock = new ReentrantLock();
    /** The generation arrivals join; replaced under {@link #lock} as soon as it is decided. */
    private Generation current = new Generation();

    LocalBarrier(String name, int parties, PrimitiveListener listener) {
        this.name = Names.require(name);
        if (parties < 2) {
            throw new IllegalArgumentException("barrier '" + name + "': parties must be at least 2, was " + parties
                    + "; a barrier synchronizes two or more callers");
        }
        this.parties = parties;
        this.probe = new Probe(this, listener);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int parties() {
        return parties;
    }

    @Override
    public int arrived() {
        lock.lock();
        try {
            return current.waiters.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int await(Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        BlockingWaiter<Integer> waiter = join(index -> new BlockingWaiter<>(this, index, arrivedAt), timeout, arrivedAt);
        if (waiter == null) {
            return parties - 1;
        }
        Generation generation = generationOf(waiter);
        if (!waiter.await(timeoutNanos)) {
            throw brokenException(generation);
        }
        if (wasReleased(generation)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return waiter.amount;
        }
        probe.waitEnded(arrivedAt, Outcome.BROKEN);
        throw brokenException(generation);
    }

    @Override
    public CompletableFuture<Integer> awaitAsync(Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        AsyncWaiter<Integer> waiter;
        try {
            waiter = join(index -> new AsyncWaiter<>(this, index, arrivedAt), timeout, arrivedAt);
        } catch (BarrierBrokenException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (waiter == null) {
            return CompletableFuture.completedFuture(parties - 1);
        }
        Generation generation = generationOf(waiter);
        PartyFuture result = new PartyFuture(waiter, generation);
        waiter.armTimeout(timeoutNanos, () -> new BarrierBrokenException(name, giveUpReason(Outcome.TIMEOUT, timeout)));
        return result;
    }

    /**
     * Joins the current generation: returns the waiter enqueued in it, or {@code null} when this
     * arrival completed the generation (which is then released, and this arrival reported).
     *
     * @throws BarrierBrokenException when the timeout is zero and the arrival would have to wait
     */
    private <W extends Waiter<Integer>> W join(IntFunction<W> newWaiter, Duration timeout, long arrivedAt) {
        List<Waiter<?>> toWake = new ArrayList<>();
        Generation generation;
        boolean completed;
        W waiter = null;
        lock.lock();
        try {
            completed = current.waiters.size() == parties - 1 && release(current, toWake);
            // After a release that a give-up broke, this is the fresh generation the arrival joins.
            generation = current;
            if (!completed && timeout.isZero()) {
                breakGeneration(generation, "a party would not wait (timeout 0)", toWake);
            } else if (!completed) {
                waiter = newWaiter.apply(generation.waiters.size());
                waiter.attachment = new Arrival(generation, timeout);
                generation.waiters.add(waiter);
            }
        } finally {
            lock.unlock();
        }
        Wakeups.wakeAll(toWake);
        if (completed) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
        } else if (waiter == null) {
            probe.waitEnded(arrivedAt, Outcome.REJECTED);
            throw brokenException(generation);
        }
        return waiter;
    }

    /**
     * Under the lock, by the arrival that completes {@code generation}: grants its waiters into
     * {@code toWake} and installs a fresh generation. True when released whole; false when a party
     * gave up at the same moment, which broke the generation instead.
     */
    private boolean release(Generation generation, List<Waiter<?>> toWake) {
        boolean whole = drain(generation, toWake);
        if (whole) {
            generation.state = State.RELEASED;
        } else {
            generation.state = State.BROKEN;
            generation.brokenReason = "a party stopped waiting just as the last one arrived";
        }
        current = new Generation();
        return whole;
    }

    /** Under the lock: breaks {@code generation} if still open, granting its waiters into {@code toWake}. */
    private void breakGeneration(Generation generation, String reason, List<Waiter<?>> toWake) {
        if (generation.state != State.OPEN) {
            return;
        }
        drain(generation, toWake);
        generation.state = State.BROKEN;
        generation.brokenReason = reason;
        current = new Generation();
    }

    /** Under the lock: unlinks every waiter of {@code generation} and grants those still waiting; false if any was not. */
    private static boolean drain(Generation generation, List<Waiter<?>> granted) {
        boolean all = true;
        Waiter<?> head;
        while ((head = generation.waiters.peek()) != null) {
            generation.waiters.remove(head);
            if (head.grant(null)) {
                granted.add(head);
            } else {
                all = false;
            }
        }
        return all;
    }

    @Override
    public void abort() {
        List<Waiter<?>> toWake = new ArrayList<>();
        lock.lock();
        try {
            if (!current.waiters.isEmpty()) {
                breakGeneration(current, "the barrier was aborted", toWake);
            }
        } finally {
            lock.unlock();
        }
        Wakeups.wakeAll(toWake);
    }

    /** The verdict on a decided generation, read under the lock so that a still-running decision is waited out. */
    private boolean wasReleased(Generation generation) {
        lock.lock();
        try {
            return generation.state == State.RELEASED;
        } finally {
            lock.unlock();
        }
    }

    private BarrierBrokenException brokenException(Generation generation) {
        String reason;
        lock.lock();
        try {
            reason = generation.brokenReason;
        } finally {
            lock.unlock();
        }
        return new BarrierBrokenException(name, reason);
    }

    private static Generation generationOf(Waiter<Integer> waiter) {
        return ((Arrival) waiter.attachment).generation();
    }

    private static String giveUpReason(Outcome outcome, Duration timeout) {
        return switch (outcome) {
            case TIMEOUT -> "a party timed out after " + Durations.format(timeout);
            case INTERRUPTED -> "a party's thread was interrupted";
            case CANCELLED -> "a party's async wait was cancelled";
            default -> "a party stopped waiting (" + outcome.tag() + ")";
        };
    }

    /** Async grants only (released or broken): reports the wait and returns the index, or null when broken. */
    @Override
    public Integer granted(Waiter<Integer> waiter) {
        boolean released = wasReleased(generationOf(waiter));
        probe.waitEnded(waiter.arrivedAt, released ? Outcome.ACQUIRED : Outcome.BROKEN);
        return released ? waiter.amount : null;
    }

    /** A party gave up (timed out, interrupted, cancelled): it leaves and breaks its generation. */
    @Override
    public void abandon(Waiter<Integer> waiter, Outcome outcome) {
        Arrival arrival = (Arrival) waiter.attachment;
        List<Waiter<?>> toWake = new ArrayList<>();
        lock.lock();
        try {
            arrival.generation().waiters.remove(waiter);
            breakGeneration(arrival.generation(), giveUpReason(outcome, arrival.timeout()), toWake);
        } finally {
            lock.unlock();
        }
        probe.waitEnded(waiter.arrivedAt, outcome);
        Wakeups.wakeAll(toWake);
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, Kind.BARRIER, arrived(), 0, parties, List.of());
    }

    @Override
    public String toString() {
        return "barrier '" + name + "' (" + arrived() + "/" + parties + " arrived)";
    }

    private enum State {
        OPEN, RELEASED, BROKEN
    }

    /** One generation: its waiting parties in arrival order, and its verdict. Guarded by the barrier's lock. */
    private static final class Generation {
        final WaitList waiters = new WaitList();
        State state = State.OPEN;
        String brokenReason;
    }

    /** What a party's waiter carries: the generation it joined and the timeout it waits with. */
    private record Arrival(Generation generation, Duration timeout) {
    }

    /**
     * The future an async party gets: it completes with the index when the generation is released
     * and fails with {@link BarrierBrokenException} when it breaks. Cancelling it withdraws the party,
     * which breaks the generation, unless the generation was already decided.
     */
    private final class PartyFuture extends CompletableFuture<Integer> {

        private final AsyncWaiter<Integer> waiter;

        PartyFuture(AsyncWaiter<Integer> waiter, Generation generation) {
            this.waiter = waiter;
            waiter.future.whenComplete((index, error) -> {
                if (error != null) {
                    super.completeExceptionally(error);
                } else if (index != null) {
                    super.complete(index);
                } else {
                    super.completeExceptionally(brokenException(generation));
                }
            });
        }

        /** Withdraws this party (breaking its generation); false when the generation was already decided. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            waiter.future.cancel(mayInterruptIfRunning);
            return isCancelled();
        }

        /** Withdraws this party (breaking its generation) and fails this future with {@code ex}; false when already decided. */
        @Override
        public boolean completeExceptionally(Throwable ex) {
            return waiter.future.completeExceptionally(ex);
        }

        /** Not supported: the barrier completes this future; {@link #cancel(boolean)} it to withdraw. */
        @Override
        public boolean complete(Integer value) {
            throw new UnsupportedOperationException(
                    "this future is completed by the barrier when its generation is released; cancel() it to withdraw");
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }
}
