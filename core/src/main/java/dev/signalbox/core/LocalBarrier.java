package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 * it grants every waiter, handing out the indices {@code 0..parties-2} in list order (so a party
 * that withdrew leaves no gap), marks the generation released and installs a fresh one. A party
 * that breaks its generation when it gives up (a blocking party, or an async one with
 * {@link GiveUp#BREAK_GENERATION}) flips its waiter's status outside the lock, so one may have
 * slipped in just before: its grant then fails, the generation is marked broken instead (the
 * waiters already granted learn the verdict from the generation, never from the grant alone), and
 * the arrival joins the fresh generation. A party that withdraws ({@link GiveUp#WITHDRAW}) flips its
 * status and leaves the list in one critical section ({@link #withdrawsUnderLock}), so a release
 * either finds it waiting and grants it, or finds it gone and the generation not yet full. So a
 * generation is released whole or not at all. Any other arrival joins the current generation and
 * queues.</li>
 * <li>A party that gives up by {@link GiveUp#BREAK_GENERATION} breaks its generation (in
 * {@link #withdrawn}, under the lock, as it leaves the list); one that withdraws only leaves.
 * {@link #reset()} and {@link #abort()} break the current one. Breaking grants every waiter still
 * waiting, marks the generation broken with the reason, and installs a fresh generation, so the
 * next arrival starts over; after an abort, {@link #aborted} holds the generation it broke until
 * {@code reset()}, and every arrival meanwhile fails at once with its verdict.</li>
 * <li>A woken party reads its generation's verdict under the lock, which it can only take once the
 * deciding critical section is over: it returns its index or fails with
 * {@link BarrierBrokenException}.</li>
 * </ul>
 */
final class LocalBarrier implements Barrier, WaitOwner<Integer, LocalBarrier.Party>, WaitPolicy<Waiter<Integer, LocalBarrier.Party>> {

    private static final String ABORTED = "the barrier was aborted";
    private static final String RESET = "the barrier was reset";

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
    /** The generation {@link #abort()} broke, from then until {@link #reset()}; null while the barrier is usable. Guarded by the queue's lock. */
    private Generation aborted;

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
    public int waiting() {
        return waiting.waiting();
    }

    @Override
    public boolean isBroken() {
        queue.lock();
        try {
            return aborted != null;
        } finally {
            queue.unlock();
        }
    }

    @Override
    public int await(Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        Party party = new Party(timeout, GiveUp.BREAK_GENERATION);
        if (timeoutNanos == 0L) {
            return arriveWithoutWaiting(party, arrivedAt);
        }
        BlockingWaiter<Integer, Party> waiter = new BlockingWaiter<>(this, 1, party, arrivedAt);
        if (waiting.enqueue(waiter)) {
            return admitted(party, arrivedAt);
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
    public CompletableFuture<Integer> awaitAsync(Duration timeout, GiveUp onGiveUp) {
        Objects.requireNonNull(onGiveUp, "onGiveUp");
        long timeoutNanos = Durations.toNanos(timeout);
        long arrivedAt = probe.arrive();
        Party party = new Party(timeout, onGiveUp);
        try {
            if (timeoutNanos == 0L) {
                return CompletableFuture.completedFuture(arriveWithoutWaiting(party, arrivedAt));
            }
            AsyncWaiter<Integer, Party> waiter = new AsyncWaiter<>(this, 1, party, arrivedAt);
            if (waiting.enqueue(waiter)) {
                return CompletableFuture.completedFuture(admitted(party, arrivedAt));
            }
            waiter.armTimeout(timeoutNanos, onGiveUp == GiveUp.WITHDRAW
                    ? () -> new GuardTimeoutException(name, Kind.BARRIER, timeout)
                    : () -> new BarrierBrokenException(name, giveUpReason(Outcome.TIMEOUT, timeout)));
            return waiter.future;
        } catch (SignalboxException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** An arrival that did not queue: it completed the generation (its index), or found the barrier broken. */
    private int admitted(Party party, long arrivedAt) {
        if (!wasReleased(party.generation)) {
            probe.waitEnded(arrivedAt, Outcome.BROKEN);
            throw brokenException(party.generation);
        }
        probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
        return parties - 1;
    }

    /**
     * A zero-timeout arrival: completes the generation if it is the last party (returns its index);
     * else gives up at once by its rule: breaks the generation, or withdraws (it is then not counted
     * at all).
     *
     * @throws BarrierBrokenException when it broke the generation, or found the barrier broken
     * @throws GuardTimeoutException when it withdrew
     */
    private int arriveWithoutWaiting(Party party, long arrivedAt) {
        Generation broken = null;
        boolean completed = false;
        queue.lock();
        try {
            if (aborted != null) {
                broken = aborted;
            } else {
                completed = completeLocked(party);
                if (!completed && party.giveUp == GiveUp.BREAK_GENERATION) {
                    broken = current;
                    breakGeneration(broken, "a party would not wait (timeout 0)", false);
                }
            }
        } finally {
            queue.unlock();
        }
        if (completed) {
            probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
            return parties - 1;
        }
        if (broken != null) {
            probe.waitEnded(arrivedAt, broken.aborted ? Outcome.BROKEN : Outcome.REJECTED);
            throw brokenException(broken);
        }
        probe.waitEnded(arrivedAt, Outcome.REJECTED);
        throw new GuardTimeoutException(name, Kind.BARRIER, Duration.ZERO);
    }

    /**
     * Under the lock ({@link WaitList#enqueue}): an arrival at a broken barrier is admitted with the
     * aborted generation (it fails); the arrival that completes the generation is admitted (true);
     * any other joins the current generation (which, after a release a give-up broke, is the fresh
     * one) and queues.
     */
    @Override
    public boolean admit(Waiter<Integer, Party> waiter) {
        if (aborted != null) {
            waiter.request.generation = aborted;
            return true;
        }
        if (completeLocked(waiter.request)) {
            return true;
        }
        waiter.request.generation = current;
        return false;
    }

    /**
     * Under the lock: if the current generation has all but one party, releases it for
     * {@code arriving}: grants its waiters (with indices in list order) and installs a fresh
     * generation. True when released whole (then {@code arriving} joined it with the last index);
     * false when it was not full, or when a party gave up at the same moment, which broke it instead.
     */
    private boolean completeLocked(Party arriving) {
        if (waiting.size() != parties - 1) {
            return false;
        }
        Generation generation = current;
        boolean whole = true;
        int index = 0;
        Waiter<Integer, Party> head;
        while ((head = waiting.peek()) != null) {
            head.request.index = index++;
            if (!queue.grant(head)) {
                whole = false;
            }
        }
        if (whole) {
            generation.state = State.RELEASED;
            arriving.generation = generation;
            arriving.index = parties - 1;
        } else {
            generation.state = State.BROKEN;
            generation.brokenReason = "a party stopped waiting just as the last one arrived";
        }
        current = new Generation();
        return whole;
    }

    /** Under the lock: breaks {@code generation} if still open (then it is the current one), granting its waiters. */
    private void breakGeneration(Generation generation, String reason, boolean byAbort) {
        if (generation.state != State.OPEN) {
            return;
        }
        Waiter<Integer, Party> head;
        while ((head = waiting.peek()) != null) {
            queue.grant(head);
        }
        generation.state = State.BROKEN;
        generation.brokenReason = reason;
        generation.aborted = byAbort;
        current = new Generation();
    }

    @Override
    public void abort() {
        queue.lock();
        try {
            if (aborted == null) {
                aborted = current;
                breakGeneration(current, ABORTED, true);
            }
        } finally {
            queue.unlock();
        }
    }

    @Override
    public void reset() {
        queue.lock();
        try {
            aborted = null;
            if (!waiting.isEmpty()) {
                breakGeneration(current, RESET, false);
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
        boolean byAbort;
        queue.lock();
        try {
            reason = generation.brokenReason;
            byAbort = generation.aborted;
        } finally {
            queue.unlock();
        }
        return byAbort ? BarrierBrokenException.aborted(name, reason) : new BarrierBrokenException(name, reason);
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

    /** A withdrawing party leaves in the same critical section as its status flips, so a release never meets it half gone. */
    @Override
    public boolean withdrawsUnderLock(Waiter<Integer, Party> waiter) {
        return waiter.request.giveUp == GiveUp.WITHDRAW;
    }

    /**
     * Under the lock: a party gave up (timed out, interrupted, cancelled) and left; by
     * {@link GiveUp#BREAK_GENERATION} it breaks its generation, by {@link GiveUp#WITHDRAW} it only
     * leaves (the indices are handed out at the release, so it leaves no gap).
     */
    @Override
    public void withdrawn(Waiter<Integer, Party> waiter, boolean wasHead, Outcome outcome) {
        if (waiter.request.giveUp == GiveUp.BREAK_GENERATION) {
            breakGeneration(waiter.request.generation, giveUpReason(outcome, waiter.request.timeout), false);
        }
    }

    @Override
    public void ended(Waiter<Integer, Party> waiter, Outcome outcome) {
        probe.waitEnded(waiter.arrivedAt, outcome);
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, Kind.BARRIER, waiting(), 0, parties, List.of());
    }

    @Override
    public String toString() {
        int waitingNow;
        boolean broken;
        queue.lock();
        try {
            waitingNow = waiting.size();
            broken = aborted != null;
        } finally {
            queue.unlock();
        }
        return "barrier '" + name + "' (" + (broken ? "broken" : waitingNow + "/" + parties + " waiting") + ")";
    }

    private enum State {
        OPEN, RELEASED, BROKEN
    }

    /** One generation's verdict. Guarded by the queue's lock. */
    private static final class Generation {
        State state = State.OPEN;
        String brokenReason;
        /** Broken by {@link #abort()}: its failures say that the barrier stays broken until reset. */
        boolean aborted;
    }

    /**
     * A party's request: the timeout it waits with and its give-up rule, and, once {@link #admit}
     * took it, the generation it joined (written under the queue's lock before the waiter is linked,
     * so every reader after the enqueue or the grant sees it); its index once the generation is
     * released (written under the lock before the grant).
     */
    static final class Party {
        final Duration timeout;
        final GiveUp giveUp;
        Generation generation;
        int index;

        Party(Duration timeout, GiveUp giveUp) {
            this.timeout = timeout;
            this.giveUp = giveUp;
        }
    }
}
