package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.spi.Probe;

/**
 * The in-JVM {@link Barrier}.
 *
 * <p><b>Algorithm.</b> The parties waiting for the current generation sit in one FIFO
 * {@link WaitList} of a {@link WaitQueue}; each generation is a {@link Generation}, its verdict
 * (open, released or broken). Every decision is taken under the queue's lock, and empties the list
 * (so the list always holds exactly the current generation's parties); the parties are woken after
 * the lock is released, in arrival order.
 * <ul>
 * <li>An arrival that finds {@code parties - 1} waiters completes the generation ({@link #admit}):
 * it grants every waiter, marks the generation released and installs a fresh one. A party's own
 * give-up (timeout, interrupt, cancel) flips its waiter's status outside the lock, so one may have
 * slipped in just before: its grant then fails, the generation is marked broken instead (the
 * waiters already granted learn the verdict from the generation, never from the grant alone), and
 * the arrival joins the fresh generation. So a generation is released whole or not at all. Any
 * other arrival is given its generation and index, and queues.</li>
 * <li>A party that gives up breaks its generation (in {@link #withdrawn}, under the lock, as it
 * leaves the list); {@link #abort()} breaks the current one. Breaking grants every waiter still
 * waiting, marks the generation broken with the reason, and installs a fresh generation, so the
 * next arrival starts over.</li>
 * <li>A woken party reads its generation's verdict under the lock, which it can only take once the
 * deciding critical section is over: it returns its index or fails with
 * {@link BarrierBrokenException}.</li>
 * </ul>
 */
final class LocalBarrier implements Barrier, WaitOwner<Integer, LocalBarrier.Party>, WaitPolicy<Waiter<Integer, LocalBarrier.Party>> {

    private final String name;
    private final int parties;
    private final Probe probe;
    private final WaitQueue queue = new WaitQueue();
    /** The parties of the current generation, in arrival order. */
    private final WaitList<Waiter<Integer, Party>> waiting = new WaitList<>(queue, this);

    @Override
    public WaitList<? super Waiter<Integer, Party>> waitList() {
        return waiting;
    }
    /** The generation arrivals join; replaced under the queue's lock as soon as it is decided. */
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
        return waiting.waiting();
    }

    @Override
    public int await(Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        if (timeoutNanos == 0L) {
            return arriveWithoutWaiting(arrivedAt);
        }
        Party party = new Party(timeout);
        BlockingWaiter<Integer, Party> waiter = new BlockingWaiter<>(this, 1, party, arrivedAt);
        if (waiting.enqueue(waiter)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return parties - 1;
        }
        if (!waiter.await(timeoutNanos)) {
            throw brokenException(party.generation);
        }
        if (wasReleased(party.generation)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return party.index;
        }
        probe.waitEnded(arrivedAt, Outcome.BROKEN);
        throw brokenException(party.generation);
    }

    @Override
    public CompletableFuture<Integer> awaitAsync(Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        if (timeoutNanos == 0L) {
            try {
                return CompletableFuture.completedFuture(arriveWithoutWaiting(arrivedAt));
            } catch (BarrierBrokenException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Party party = new Party(timeout);
        AsyncWaiter<Integer, Party> waiter = new AsyncWaiter<>(this, 1, party, arrivedAt);
        if (waiting.enqueue(waiter)) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return CompletableFuture.completedFuture(parties - 1);
        }
        waiter.armTimeout(timeoutNanos, () -> new BarrierBrokenException(name, giveUpReason(Outcome.TIMEOUT, timeout)));
        return waiter.future;
    }

    /**
     * A zero-timeout arrival: completes the generation if it is the last party (returns its index),
     * else breaks it, since it would have to wait.
     *
     * @throws BarrierBrokenException when it broke the generation (or found it breaking)
     */
    private int arriveWithoutWaiting(long arrivedAt) {
        boolean completed;
        Generation generation;
        queue.lock();
        try {
            completed = completeLocked();
            generation = current;
            if (!completed) {
                breakGeneration(generation, "a party would not wait (timeout 0)");
            }
        } finally {
            queue.unlock();
        }
        if (completed) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return parties - 1;
        }
        probe.waitEnded(arrivedAt, Outcome.REJECTED);
        throw brokenException(generation);
    }

    /**
     * Under the lock ({@link WaitList#enqueue}): the arrival that completes the generation is
     * admitted (true); any other joins the current generation (which, after a release a give-up
     * broke, is the fresh one) with the next index, and queues.
     */
    @Override
    public boolean admit(Waiter<Integer, Party> waiter) {
        if (completeLocked()) {
            return true;
        }
        waiter.request.joined(current, waiting.size());
        return false;
    }

    /**
     * Under the lock: if the current generation has all but one party, releases it for this
     * arrival: grants its waiters and installs a fresh generation. True when released whole; false
     * when it was not full, or when a party gave up at the same moment, which broke it instead.
     */
    private boolean completeLocked() {
        if (waiting.size() != parties - 1) {
            return false;
        }
        Generation generation = current;
        boolean whole = drain();
        if (whole) {
            generation.state = State.RELEASED;
        } else {
            generation.state = State.BROKEN;
            generation.brokenReason = "a party stopped waiting just as the last one arrived";
        }
        current = new Generation();
        return whole;
    }

    /** Under the lock: breaks {@code generation} if still open (then it is the current one), granting its waiters. */
    private void breakGeneration(Generation generation, String reason) {
        if (generation.state != State.OPEN) {
            return;
        }
        drain();
        generation.state = State.BROKEN;
        generation.brokenReason = reason;
        current = new Generation();
    }

    /** Under the lock: unlinks every waiter of the current generation and grants those still waiting; false if any was not. */
    private boolean drain() {
        boolean all = true;
        Waiter<Integer, Party> head;
        while ((head = waiting.peek()) != null) {
            if (!queue.grant(head)) {
                all = false;
            }
        }
        return all;
    }

    @Override
    public void abort() {
        queue.lock();
        try {
            if (!waiting.isEmpty()) {
                breakGeneration(current, "the barrier was aborted");
            }
        } finally {
            queue.unlock();
        }
    }

    /** The verdict on a decided generation, read under the lock so that a still-running decision is waited out. */
    private boolean wasReleased(Generation generation) {
        queue.lock();
        try {
            return generation.state == State.RELEASED;
        } finally {
            queue.unlock();
        }
    }

    private BarrierBrokenException brokenException(Generation generation) {
        String reason;
        queue.lock();
        try {
            reason = generation.brokenReason;
        } finally {
            queue.unlock();
        }
        return new BarrierBrokenException(name, reason);
    }

    private static String giveUpReason(Outcome outcome, Duration timeout) {
        return switch (outcome) {
            case TIMEOUT -> "a party timed out after " + Durations.format(timeout);
            case INTERRUPTED -> "a party's thread was interrupted";
            case CANCELLED -> "a party's async wait was cancelled";
            default -> "a party stopped waiting (" + outcome.tag() + ")";
        };
    }

    /**
     * Async grants only (released or broken): reports the wait and returns the index, or fails the
     * party's future with {@link BarrierBrokenException} when its generation broke.
     */
    @Override
    public Integer granted(Waiter<Integer, Party> waiter) {
        Generation generation = waiter.request.generation;
        boolean released = wasReleased(generation);
        probe.waitEnded(waiter.arrivedAt, released ? Outcome.ACQUIRED : Outcome.BROKEN);
        if (!released) {
            throw brokenException(generation);
        }
        return waiter.request.index;
    }

    /** Under the lock: a party gave up (timed out, interrupted, cancelled) and left; it breaks its generation. */
    @Override
    public void withdrawn(Waiter<Integer, Party> waiter, boolean wasHead, Outcome outcome) {
        breakGeneration(waiter.request.generation, giveUpReason(outcome, waiter.request.timeout));
    }

    @Override
    public void ended(Waiter<Integer, Party> waiter, Outcome outcome) {
        probe.waitEnded(waiter.arrivedAt, outcome);
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

    /** One generation's verdict. Guarded by the queue's lock. */
    private static final class Generation {
        State state = State.OPEN;
        String brokenReason;
    }

    /**
     * A party's request: the timeout it waits with, and, once {@link #admit} has queued it, the
     * generation it joined and its arrival index there (written under the queue's lock before the
     * waiter is linked, so every reader after the enqueue or the grant sees them).
     */
    static final class Party {
        final Duration timeout;
        Generation generation;
        int index;

        Party(Duration timeout) {
            this.timeout = timeout;
        }

        void joined(Generation generation, int index) {
            this.generation = generation;
            this.index = index;
        }
    }
}
