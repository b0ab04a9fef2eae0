package dev.signalbox.core.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.Barrier;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;
import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link Barrier} promises, whatever backs it: each generation released whole with
 * indices {@code 0..parties-1} (blocking and async parties mixed, more threads than parties), never
 * ahead of its arrivals; a blocking party's timeout or interrupt, an async party's give-up by
 * {@code BREAK_GENERATION}, {@code reset()} or {@code abort()} breaks the
 * generation for every party in it, and the next arrivals start afresh (after {@code abort()}, only
 * once {@code reset()}: until then every arrival fails at once); an async party that withdraws (its
 * cancel or timeout, by default) leaves alone and the others keep waiting; a zero timeout never waits;
 * a give-up racing the last arrival releases all or none; async parties park no thread; the snapshot;
 * and one reported wait per arrival.
 */
public abstract class BarrierContract extends PrimitiveContract {

    protected final RecordingListener listener = new RecordingListener();

    /** A new barrier named {@code name} for {@code parties} parties, reporting to {@code listener}, nobody arrived. */
    protected abstract Barrier newBarrier(String name, int parties, PrimitiveListener listener);

    /**
     * True when an async party that gives up by {@link Barrier.GiveUp#WITHDRAW} leaves its generation
     * alone (the local and the cluster barrier both do); a barrier that does not would override this to
     * skip the cases of that rule.
     */
    protected boolean asyncPartiesWithdraw() {
        return true;
    }

    @AfterEach
    public void everyArrivalEndedExactlyOneReportedWait() {
        assertThat(listener.waitsEnded()).as("every arrival ends exactly one reported wait").isEqualTo(listener.arrivals());
        assertThat(listener.negativeDurations()).isZero();
        assertThat(listener.releases()).as("a barrier holds nothing to release").isZero();
    }

    /**
     * One thread per party, so every generation holds exactly one call of each thread: each
     * generation's indices must be exactly {0..parties-1}, and nobody may be released before all
     * parties of its own generation have arrived.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void everyGenerationIsReleasedWholeWithIndicesZeroToPartiesMinusOne(Threads.Flavor flavor) throws Exception {
        int parties = 8;
        int generations = iterations(200);
        Barrier barrier = newBarrier("settlement", parties, listener);
        int[][] indices = new int[generations][parties];
        AtomicIntegerArray arrivedInRound = new AtomicIntegerArray(generations);
        AtomicInteger earlyReleases = new AtomicInteger();
        Threads.runConcurrently(flavor, parties, party -> {
            for (int round = 0; round < generations; round++) {
                arrivedInRound.incrementAndGet(round);
                indices[round][party] = barrier.await(BOUND);
                if (arrivedInRound.get(round) != parties) {
                    earlyReleases.incrementAndGet();
                }
            }
        });
        assertThat(earlyReleases.get()).as("released before its whole generation arrived").isZero();
        for (int round = 0; round < generations; round++) {
            assertThat(indices[round]).as("indices of generation %d", round).containsExactlyInAnyOrder(IntStream.range(0, parties).toArray());
        }
        assertThat(barrier.waiting()).isZero();
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo((long) parties * generations);
    }

    /**
     * More threads than parties, so generations mix threads arbitrarily: releases can never run
     * ahead of complete generations, and each index is handed out once per generation.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void generationsOfMixedThreadsNeverReleaseAheadOfArrivals(Threads.Flavor flavor) throws Exception {
        int parties = 4;
        int threads = flavor == Threads.Flavor.PLATFORM ? 12 : 64;
        int callsPerThread = iterations(100);
        Barrier barrier = newBarrier("mixed", parties, listener);
        AtomicInteger arrivals = new AtomicInteger();
        AtomicInteger releases = new AtomicInteger();
        AtomicInteger aheadOfArrivals = new AtomicInteger();
        AtomicIntegerArray perIndex = new AtomicIntegerArray(parties);
        // Tickets bound the arrivals to whole generations; a thread takes one only when not waiting.
        AtomicInteger tickets = new AtomicInteger(threads * callsPerThread);
        Threads.runConcurrently(flavor, threads, t -> {
            while (tickets.getAndDecrement() > 0) {
                arrivals.incrementAndGet();
                int index = barrier.await(BOUND);
                perIndex.incrementAndGet(index);
                int released = releases.incrementAndGet();
                if (released > arrivals.get() / parties * parties) {
                    aheadOfArrivals.incrementAndGet();
                }
            }
        });
        assertThat(aheadOfArrivals.get()).isZero();
        int generations = threads * callsPerThread / parties;
        for (int i = 0; i < parties; i++) {
            assertThat(perIndex.get(i)).as("index %d once per generation", i).isEqualTo(generations);
        }
        assertThat(barrier.waiting()).isZero();
    }

    /** Blocking and async parties in the same generations; async parties re-arrive from their completion callbacks. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void asyncAndBlockingPartiesShareGenerations(Threads.Flavor flavor) throws Exception {
        int parties = 4;
        int generations = iterations(200);
        Barrier barrier = newBarrier("mixed-async", parties, listener);
        int[][] indices = new int[generations][parties];
        List<CompletableFuture<Void>> asyncParties = new ArrayList<>();
        for (int party = 2; party < parties; party++) {
            asyncParties.add(arriveAsyncRepeatedly(barrier, party, 0, generations, indices));
        }
        Threads.runConcurrently(flavor, 2, party -> {
            for (int round = 0; round < generations; round++) {
                indices[round][party] = barrier.await(BOUND);
            }
        });
        CompletableFuture.allOf(asyncParties.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int round = 0; round < generations; round++) {
            assertThat(indices[round]).as("indices of generation %d", round).containsExactlyInAnyOrder(0, 1, 2, 3);
        }
        assertThat(barrier.waiting()).isZero();
    }

    private static CompletableFuture<Void> arriveAsyncRepeatedly(Barrier barrier, int party, int round, int rounds, int[][] indices) {
        return barrier.awaitAsync(BOUND).thenCompose(index -> {
            indices[round][party] = index;
            return round + 1 < rounds
                    ? arriveAsyncRepeatedly(barrier, party, round + 1, rounds, indices)
                    : CompletableFuture.completedFuture(null);
        });
    }

    @Test
    public void asyncPartiesAreCompletedByASmallExecutor() throws Exception {
        int parties = 5;
        int generations = iterations(2_000);
        Barrier barrier = newBarrier("executor", parties, listener);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            AtomicIntegerArray perIndex = new AtomicIntegerArray(parties);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < parties * generations; i++) {
                all.add(CompletableFuture.supplyAsync(() -> barrier.awaitAsync(BOUND), executor)
                        .thenCompose(f -> f)
                        .thenAcceptAsync(perIndex::incrementAndGet, executor));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < parties; i++) {
                assertThat(perIndex.get(i)).isEqualTo(generations);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(barrier.waiting()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void aTimeoutBreaksTheGenerationForEveryPartyAndTheNextArrivalsStartAfresh(Threads.Flavor flavor) throws Exception {
        Barrier barrier = newBarrier("settlement", 4, listener);
        CompletableFuture<Integer> asyncParty = barrier.awaitAsync(BOUND);
        AtomicReference<Throwable> patient = new AtomicReference<>();
        Thread patientThread = Threads.start(flavor, () -> patient.set(awaitCatching(barrier, BOUND)));
        Threads.awaitTrue("two parties waiting", () -> barrier.waiting() == 2);
        AtomicReference<Throwable> hasty = new AtomicReference<>();
        Thread hastyThread = Threads.start(flavor, () -> hasty.set(awaitCatching(barrier, Duration.ofMillis(50))));
        Threads.joinAll(List.of(patientThread, hastyThread));

        assertThat(hasty.get()).isInstanceOf(BarrierBrokenException.class)
                .hasMessageContaining("barrier 'settlement'")
                .hasMessageContaining("a party timed out after 50ms");
        assertThat(patient.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("a party timed out after 50ms");
        assertThatThrownBy(() -> asyncParty.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(BarrierBrokenException.class).hasMessageContaining("a party timed out after 50ms");
        assertThat(barrier.waiting()).isZero();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(listener.count(Outcome.BROKEN)).isEqualTo(2);

        assertFreshGenerationWorks(barrier, flavor);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void anInterruptBreaksTheGenerationAndTheInterruptedThreadGetsInterruptedException(Threads.Flavor flavor) throws Exception {
        Barrier barrier = newBarrier("settlement", 3, listener);
        AtomicReference<Throwable> other = new AtomicReference<>();
        AtomicReference<Throwable> interrupted = new AtomicReference<>();
        Thread otherThread = Threads.start(flavor, () -> other.set(awaitCatching(barrier, BOUND)));
        Threads.awaitTrue("first party waiting", () -> barrier.waiting() == 1);
        Thread interruptedThread = Threads.start(flavor, () -> interrupted.set(awaitCatching(barrier, BOUND)));
        Threads.awaitTrue("second party waiting", () -> barrier.waiting() == 2);

        interruptedThread.interrupt();
        Threads.joinAll(List.of(otherThread, interruptedThread));

        assertThat(interrupted.get()).isInstanceOf(InterruptedException.class);
        assertThat(other.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("interrupted");
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
        assertThat(listener.count(Outcome.BROKEN)).isEqualTo(1);
        assertFreshGenerationWorks(barrier, flavor);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void cancellingAnAsyncPartyThatBreaksOnGiveUpBreaksTheGeneration(Threads.Flavor flavor) throws Exception {
        Barrier barrier = newBarrier("settlement", 3, listener);
        AtomicReference<Throwable> blocked = new AtomicReference<>();
        Thread blockedThread = Threads.start(flavor, () -> blocked.set(awaitCatching(barrier, BOUND)));
        Threads.awaitTrue("blocking party waiting", () -> barrier.waiting() == 1);
        CompletableFuture<Integer> doomed = barrier.awaitAsync(BOUND, Barrier.GiveUp.BREAK_GENERATION);
        assertNowOrSoon("the async party arrived", () -> barrier.waiting() == 2);

        assertThat(doomed.cancel(false)).isTrue();

        Threads.joinAll(List.of(blockedThread));
        assertThat(doomed).isCancelled();
        assertThat(blocked.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("a party's async wait was cancelled");
        assertThat(barrier.waiting()).isZero();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.count(Outcome.BROKEN)).isEqualTo(1);
        assertFreshGenerationWorks(barrier, flavor);
    }

    @Test
    public void cancellingAfterTheReleaseChangesNothing() throws Exception {
        Barrier barrier = newBarrier("pair", 2, listener);
        CompletableFuture<Integer> first = barrier.awaitAsync(BOUND);
        int secondIndex = barrier.awaitAsync(BOUND).get(30, TimeUnit.SECONDS);
        // Locally the second call arrives second. Two async arrivals at a cluster barrier may reach Redis in
        // either order (the client may send them on two connections), so there the indexes are 0 and 1 either way.
        int firstIndex = effectsVisibleOnReturn() ? 0 : 1 - secondIndex;
        assertThat(secondIndex).isEqualTo(1 - firstIndex);
        // A cluster barrier completes the first party once the verdict reaches its instance; a cancel before
        // that returns true (RedisBarrier: "a generation released elsewhere a moment before is released for the others").
        assertThat(grantedNowOrSoon("released with its generation", first)).isEqualTo(firstIndex);
        assertThat(first.cancel(false)).isFalse();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(firstIndex);
        assertThat(listener.count(Outcome.CANCELLED)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void abortBreaksEveryWaitingPartyAndLeavesTheBarrierBrokenUntilReset(Threads.Flavor flavor) throws Exception {
        Barrier barrier = newBarrier("settlement", 5, listener);
        assertThat(barrier.isBroken()).isFalse();
        List<AtomicReference<Throwable>> blocked = List.of(new AtomicReference<>(), new AtomicReference<>());
        List<Thread> threads = new ArrayList<>();
        for (AtomicReference<Throwable> outcome : blocked) {
            threads.add(Threads.start(flavor, () -> outcome.set(awaitCatching(barrier, BOUND))));
        }
        List<CompletableFuture<Integer>> async = List.of(barrier.awaitAsync(BOUND), barrier.awaitAsync(BOUND));
        Threads.awaitTrue("four parties waiting", () -> barrier.waiting() == 4);

        barrier.abort();

        Threads.joinAll(threads);
        for (AtomicReference<Throwable> outcome : blocked) {
            assertThat(outcome.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("the barrier was aborted");
        }
        for (CompletableFuture<Integer> f : async) {
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(BarrierBrokenException.class).hasMessageContaining("the barrier was aborted");
        }
        assertThat(listener.count(Outcome.BROKEN)).isEqualTo(4);
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isTrue();
        assertArrivalsFailAtOnceWhileAborted(barrier);

        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        assertFreshGenerationWorks(barrier, flavor);
    }

    @Test
    public void abortWithNobodyWaitingLeavesTheBarrierBrokenAndAbortingAgainChangesNothing() throws Exception {
        Barrier barrier = newBarrier("settlement", 2, listener);
        barrier.abort();
        assertThat(listener.waitsEnded()).as("abort with nobody waiting fails nobody").isZero();
        assertThat(barrier.isBroken()).isTrue();
        barrier.abort();
        assertThat(barrier.isBroken()).isTrue();
        assertArrivalsFailAtOnceWhileAborted(barrier);
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        CompletableFuture<Integer> first = barrier.awaitAsync(BOUND);
        assertNowOrSoon("the async party arrived", () -> barrier.waiting() == 1);
        assertThat(barrier.await(BOUND)).isEqualTo(1);
        assertThat(first.get(30, TimeUnit.SECONDS)).isZero();
    }

    /** Every way of arriving at an aborted barrier fails at once (no wait) with BarrierBrokenException naming the abort and reset(). */
    private void assertArrivalsFailAtOnceWhileAborted(Barrier barrier) throws Exception {
        long brokenBefore = listener.count(Outcome.BROKEN);
        for (Duration timeout : List.of(BOUND, Duration.ZERO)) {
            assertThatThrownBy(() -> barrier.await(timeout)).isInstanceOf(BarrierBrokenException.class)
                    .hasMessageContaining("the barrier was aborted").hasMessageContaining("reset()");
            for (Barrier.GiveUp rule : Barrier.GiveUp.values()) {
                assertThatThrownBy(() -> barrier.awaitAsync(timeout, rule).get(30, TimeUnit.SECONDS)).cause()
                        .isInstanceOf(BarrierBrokenException.class)
                        .hasMessageContaining("the barrier was aborted").hasMessageContaining("reset()");
            }
        }
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isTrue();
        assertThat(listener.count(Outcome.BROKEN)).isEqualTo(brokenBefore + 6);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void resetFailsTheWaitingPartiesAndTheBarrierWorksAtOnce(Threads.Flavor flavor) throws Exception {
        Barrier barrier = newBarrier("settlement", 4, listener);
        AtomicReference<Throwable> blocked = new AtomicReference<>();
        Thread blockedThread = Threads.start(flavor, () -> blocked.set(awaitCatching(barrier, BOUND)));
        Threads.awaitTrue("blocking party waiting", () -> barrier.waiting() == 1);
        CompletableFuture<Integer> withdrawing = barrier.awaitAsync(BOUND);
        CompletableFuture<Integer> breaking = barrier.awaitAsync(BOUND, Barrier.GiveUp.BREAK_GENERATION);
        assertNowOrSoon("three parties waiting", () -> barrier.waiting() == 3);

        barrier.reset();

        Threads.joinAll(List.of(blockedThread));
        assertThat(blocked.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("the barrier was reset");
        for (CompletableFuture<Integer> f : List.of(withdrawing, breaking)) {
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(BarrierBrokenException.class).hasMessageContaining("the barrier was reset");
        }
        assertThat(listener.count(Outcome.BROKEN)).isEqualTo(3);
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
        assertFreshGenerationWorks(barrier, flavor);
        barrier.reset();
        assertThat(listener.count(Outcome.BROKEN)).as("a reset with nobody waiting fails nobody").isEqualTo(3);
        assertFreshGenerationWorks(barrier, flavor);
    }

    @Test
    public void aZeroTimeoutNeverWaits() throws Exception {
        Barrier pair = newBarrier("pair", 2, listener);
        assertThatThrownBy(() -> pair.await(Duration.ZERO))
                .isInstanceOf(BarrierBrokenException.class).hasMessageContaining("timeout 0");
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(1);

        CompletableFuture<Integer> waiting = pair.awaitAsync(BOUND);
        assertNowOrSoon("the async party arrived", () -> pair.waiting() == 1);
        assertThat(pair.await(Duration.ZERO)).as("completing a generation needs no wait").isEqualTo(1);
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isZero();

        Barrier trio = newBarrier("trio", 3, listener);
        CompletableFuture<Integer> abandoned = trio.awaitAsync(BOUND);
        assertNowOrSoon("the async party arrived", () -> trio.waiting() == 1);
        if (asyncPartiesWithdraw()) {
            CompletableFuture<Integer> withdrawn = trio.awaitAsync(Duration.ZERO);
            assertThatThrownBy(() -> withdrawn.get(30, TimeUnit.SECONDS)).as("a zero-timeout withdrawing party only leaves")
                    .cause().isInstanceOf(GuardTimeoutException.class).hasMessageContaining("timeout 0");
            assertNowOrSoon("the first party still waits", () -> trio.waiting() == 1);
            assertThat(abandoned).isNotDone();
        }
        failedNowOrSoon("a zero-timeout party that breaks on give-up and does not complete the generation breaks it",
                trio.awaitAsync(Duration.ZERO, Barrier.GiveUp.BREAK_GENERATION));
        assertThatThrownBy(() -> abandoned.get(30, TimeUnit.SECONDS)).cause().hasMessageContaining("timeout 0");
        assertThat(trio.waiting()).isZero();
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(asyncPartiesWithdraw() ? 3 : 2);
    }

    /**
     * Three parties whose timeouts run out around the moment the last one arrives: a generation is
     * released whole or not at all, so either all three calls succeed, with indices {0,1,2}, or none.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void timeoutsRacingTheLastArrivalReleaseAllOrNone(Threads.Flavor flavor) throws Exception {
        int released = 0;
        for (int round = 0; round < iterations(400); round++) {
            Barrier barrier = newBarrier("race-" + round, 3, listener);
            Set<Integer> indices = ConcurrentHashMap.newKeySet();
            AtomicInteger broken = new AtomicInteger();
            Threads.runConcurrently(flavor, 3, party -> {
                Duration timeout = Duration.ofNanos(30_000L * (1 + party));
                try {
                    int index = party == 1
                            ? barrier.awaitAsync(timeout, Barrier.GiveUp.BREAK_GENERATION).get(30, TimeUnit.SECONDS)
                            : barrier.await(timeout);
                    indices.add(index);
                } catch (BarrierBrokenException e) {
                    broken.incrementAndGet();
                } catch (ExecutionException e) {
                    assertThat(e).hasCauseInstanceOf(BarrierBrokenException.class);
                    broken.incrementAndGet();
                }
            });
            assertThat(indices.isEmpty() || indices.equals(Set.of(0, 1, 2)))
                    .as("released %s, broken %d", indices, broken.get()).isTrue();
            assertThat(indices.size() + broken.get()).isEqualTo(3);
            assertThat(barrier.waiting()).isZero();
            released += indices.isEmpty() ? 0 : 1;
        }
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(3L * released);
    }

    /**
     * A cancellation racing the last arrival: either the cancel wins (and the arrival fails: it was
     * broken with that generation, or it waited alone in the next and timed out) or the generation
     * is released whole (and the cancel returns false). Never half of each.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void cancellationsRacingTheLastArrivalReleaseAllOrNone(Threads.Flavor flavor) throws Exception {
        for (int round = 0; round < iterations(500); round++) {
            Barrier barrier = newBarrier("cancel-race-" + round, 2, listener);
            CompletableFuture<Integer> first = barrier.awaitAsync(BOUND);
            assertNowOrSoon("the first party arrived", () -> barrier.waiting() == 1);
            AtomicReference<Boolean> cancelled = new AtomicReference<>();
            AtomicReference<Object> second = new AtomicReference<>();
            Threads.runConcurrently(flavor, 2, role -> {
                if (role == 0) {
                    cancelled.set(first.cancel(false));
                } else {
                    try {
                        second.set(barrier.await(Duration.ofMillis(1)));
                    } catch (BarrierBrokenException e) {
                        second.set(e);
                    }
                }
            });
            if (cancelled.get()) {
                assertThat(first).isCancelled();
                assertThat(second.get()).isInstanceOf(BarrierBrokenException.class);
            } else {
                assertThat(first.get(30, TimeUnit.SECONDS)).isZero();
                assertThat(second.get()).isEqualTo(1);
            }
            assertThat(barrier.waiting()).isZero();
        }
    }

    /**
     * An interrupt racing the last arrival: either the interrupted party gets InterruptedException
     * and the arrival fails too, or both are released (the interrupted one with its interrupt
     * status kept).
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void interruptsRacingTheLastArrivalReleaseAllOrNone(Threads.Flavor flavor) throws Exception {
        for (int round = 0; round < iterations(300); round++) {
            Barrier barrier = newBarrier("interrupt-race-" + round, 2, listener);
            AtomicReference<Object> first = new AtomicReference<>();
            Thread firstThread = Threads.start(flavor, () -> {
                try {
                    first.set(barrier.await(BOUND));
                    first.set(Thread.currentThread().isInterrupted() ? "released, interrupt kept" : "released, interrupt lost");
                } catch (Throwable t) {
                    first.set(t);
                }
            });
            Threads.awaitTrue("first party waiting", () -> barrier.waiting() == 1);
            Object second;
            firstThread.interrupt();
            try {
                second = barrier.await(Duration.ofMillis(1));
            } catch (BarrierBrokenException e) {
                second = e;
            }
            Threads.joinAll(List.of(firstThread));
            if (second instanceof Integer index) {
                assertThat(index).isEqualTo(1);
                assertThat(first.get()).isEqualTo("released, interrupt kept");
            } else {
                assertThat(first.get()).isInstanceOf(InterruptedException.class);
                assertThat(second).isInstanceOf(BarrierBrokenException.class);
            }
            assertThat(barrier.waiting()).isZero();
        }
    }

    @Test
    public void snapshotShowsTheArrivedPartiesAsWaitingAndThePartiesAsCapacity() throws Exception {
        Barrier barrier = newBarrier("settlement", 3, listener);
        CompletableFuture<Integer> waiting = barrier.awaitAsync(BOUND);
        assertNowOrSoon("the async party arrived", () -> barrier.waiting() == 1 && barrier.snapshot().waiting() == 1);
        Snapshot snapshot = barrier.snapshot();
        assertThat(snapshot.kind()).isEqualTo(Kind.BARRIER);
        assertThat(snapshot.name()).isEqualTo("settlement");
        assertThat(snapshot.waiting()).isEqualTo(1);
        assertThat(snapshot.active()).isZero();
        assertThat(snapshot.capacity()).isEqualTo(3);
        assertThat(barrier.parties()).isEqualTo(3);
        assertThat(barrier.waiting()).isEqualTo(1);
        waiting.cancel(false);
        assertThat(barrier.snapshot().waiting()).isZero();
    }

    @Test
    public void fewerThanTwoPartiesIsRejectedClearly() {
        assertThatThrownBy(() -> newBarrier("settlement", 1, PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("barrier 'settlement'")
                .hasMessageContaining("parties must be at least 2, was 1");
        assertThatThrownBy(() -> newBarrier("", 2, PrimitiveListener.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void theFutureOfAnAsyncPartyCannotBeCompletedByTheCaller() throws Exception {
        Barrier barrier = newBarrier("settlement", 2, listener);
        CompletableFuture<Integer> waiting = barrier.awaitAsync(BOUND);
        assertThatThrownBy(() -> waiting.complete(7)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(waiting.completeExceptionally(new IllegalStateException("gave up"))).isTrue();
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).cause().hasMessage("gave up");
        assertNowOrSoon("the withdrawn party left", () -> barrier.waiting() == 0);
    }

    /** Blocking and async parties of a fresh generation are released together with indices {0..parties-1}. */
    private void assertFreshGenerationWorks(Barrier barrier, Threads.Flavor flavor) throws Exception {
        int parties = barrier.parties();
        Set<Integer> indices = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Integer>> async = new ArrayList<>();
        async.add(barrier.awaitAsync(BOUND));
        Threads.runConcurrently(flavor, parties - 1, i -> indices.add(barrier.await(BOUND)));
        indices.add(async.get(0).get(30, TimeUnit.SECONDS));
        assertThat(indices).containsExactlyInAnyOrderElementsOf(IntStream.range(0, parties).boxed().toList());
        assertThat(barrier.waiting()).isZero();
    }

    private static Throwable awaitCatching(Barrier barrier, Duration timeout) {
        try {
            barrier.await(timeout);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
    /**
     * A timeout shorter than the arrival itself takes (a round trip, for a cluster barrier) is still a
     * timeout: the party breaks its generation and fails with {@link BarrierBrokenException}, and it is
     * not left counted, so the next arrival does not complete a generation with a party that left.
     */
    @Test
    public void aTimeoutShorterThanTheArrivalStillBreaksTheGeneration() throws Exception {
        Barrier pair = newBarrier("hasty", 2, listener);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> pair.await(Duration.ofNanos(30_000)))
                    .isInstanceOf(BarrierBrokenException.class)
                    .hasMessageContaining("timed out");
            assertNowOrSoon("the party that timed out is not counted", () -> pair.waiting() == 0);
        }
        CompletableFuture<Integer> first = pair.awaitAsync(BOUND);
        assertNowOrSoon("the async party arrived", () -> pair.waiting() == 1);
        assertThat(pair.await(BOUND)).isEqualTo(1);
        assertThat(first.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(3);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
    }

    /**
     * Async parties park no thread: all but one wait with the thread count unchanged; the last completes the
     * generation (index {@code parties - 1}) and every other party is released with its own index.
     */
    @Test
    public void manyAsyncPartiesParkNoThread() throws Exception {
        int parties = iterations(2_000);
        Barrier barrier = newBarrier("big", parties, listener);
        int threadsBefore = Thread.activeCount();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < parties - 1; i++) {
            futures.add(barrier.awaitAsync(BOUND));
        }
        assertNowOrSoon("all but one arrived", () -> barrier.waiting() == parties - 1);
        assertThat(Thread.activeCount()).as("no thread per waiter").isLessThan(threadsBefore + 5);
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        assertThat(barrier.awaitAsync(BOUND).get(30, TimeUnit.SECONDS)).isEqualTo(parties - 1);

        Set<Integer> indices = new HashSet<>();
        for (CompletableFuture<Integer> f : futures) {
            indices.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(indices).containsExactlyInAnyOrderElementsOf(IntStream.range(0, parties - 1).boxed().toList());
        assertThat(barrier.waiting()).isZero();
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(parties);
    }
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void cancellingAnAsyncPartyWithdrawsOnlyThatParty(Threads.Flavor flavor) throws Exception {
        assumeTrue(asyncPartiesWithdraw(), "withdrawal of async parties");
        Barrier barrier = newBarrier("settlement", 4, listener);
        AtomicReference<Object> blocked = new AtomicReference<>();
        Thread blockedThread = Threads.start(flavor, () -> {
            try {
                blocked.set(barrier.await(BOUND));
            } catch (Throwable t) {
                blocked.set(t);
            }
        });
        Threads.awaitTrue("blocking party waiting", () -> barrier.waiting() == 1);
        CompletableFuture<Integer> withdrawn = barrier.awaitAsync(BOUND);
        CompletableFuture<Integer> patient = barrier.awaitAsync(BOUND);
        assertNowOrSoon("two async parties arrived", () -> barrier.waiting() == 3);

        assertThat(withdrawn.cancel(false)).isTrue();

        assertThat(withdrawn).isCancelled();
        assertNowOrSoon("the cancelled party left, the others wait", () -> barrier.waiting() == 2);
        assertThat(patient).isNotDone();
        assertThat(blockedThread.isAlive()).isTrue();
        CompletableFuture<Integer> third = barrier.awaitAsync(BOUND);
        assertNowOrSoon("a third party arrived", () -> barrier.waiting() == 3);
        int last = barrier.await(BOUND);
        Threads.joinAll(List.of(blockedThread));
        assertThat(Set.of(last, patient.get(30, TimeUnit.SECONDS), third.get(30, TimeUnit.SECONDS), (Integer) blocked.get()))
                .as("indices without a gap").containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.count(Outcome.BROKEN)).isZero();
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(4);
        assertThat(barrier.waiting()).isZero();
    }

    @Test
    public void anAsyncPartyWhoseTimeoutRunsOutWithdrawsOnlyItselfWithGuardTimeoutException() throws Exception {
        assumeTrue(asyncPartiesWithdraw(), "withdrawal of async parties");
        Barrier barrier = newBarrier("settlement", 3, listener);
        CompletableFuture<Integer> patient = barrier.awaitAsync(BOUND);
        assertNowOrSoon("the first party arrived", () -> barrier.waiting() == 1);
        CompletableFuture<Integer> hasty = barrier.awaitAsync(Duration.ofMillis(50));

        assertThatThrownBy(() -> hasty.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(GuardTimeoutException.class).hasMessageContaining("barrier 'settlement'");
        assertNowOrSoon("the party that timed out left", () -> barrier.waiting() == 1);
        assertThat(patient).isNotDone();
        CompletableFuture<Integer> second = barrier.awaitAsync(BOUND);
        assertNowOrSoon("the second party arrived", () -> barrier.waiting() == 2);
        int last = barrier.await(BOUND);
        assertThat(Set.of(patient.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS), last)).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(listener.count(Outcome.BROKEN)).isZero();
    }

    @Test
    public void anAsyncPartyThatBreaksOnGiveUpBreaksTheGenerationWhenItsTimeoutRunsOut() throws Exception {
        Barrier barrier = newBarrier("settlement", 3, listener);
        CompletableFuture<Integer> patient = barrier.awaitAsync(BOUND);
        assertNowOrSoon("the first party arrived", () -> barrier.waiting() == 1);
        CompletableFuture<Integer> hasty = barrier.awaitAsync(Duration.ofMillis(50), Barrier.GiveUp.BREAK_GENERATION);

        assertThatThrownBy(() -> hasty.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(BarrierBrokenException.class).hasMessageContaining("a party timed out after 50ms");
        assertThatThrownBy(() -> patient.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(BarrierBrokenException.class).hasMessageContaining("a party timed out after 50ms");
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).as("a give-up breaks the generation, not the barrier").isFalse();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(listener.count(Outcome.BROKEN)).isEqualTo(1);
    }

    /** CyclicBarrier stays broken after a timeout; this barrier does not: the next arrival starts a fresh generation. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void aBlockingTimeoutBreaksTheGenerationButNotTheBarrier(Threads.Flavor flavor) throws Exception {
        Barrier barrier = newBarrier("settlement", 2, listener);
        assertThatThrownBy(() -> barrier.await(Duration.ofMillis(20))).isInstanceOf(BarrierBrokenException.class)
                .hasMessageContaining("timed out").hasMessageContaining("the next call starts a fresh generation");
        assertThat(barrier.isBroken()).isFalse();
        assertFreshGenerationWorks(barrier, flavor);
    }

    /**
     * An async cancel meeting the last arrival on separate threads: each round either releases the
     * generation whole (the cancel returns false and the cancelled party has its index) or withdraws
     * the cancelled party only (the others still wait, and one more arrival completes the generation
     * with indices 0..2, no gap).
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void aCancelMeetingTheLastArrivalEitherLosesOrWithdrawsOnlyThatParty(Threads.Flavor flavor) throws Exception {
        assumeTrue(asyncPartiesWithdraw(), "withdrawal of async parties");
        int withdrawnRounds = 0;
        for (int round = 0; round < iterations(2_000); round++) {
            Barrier barrier = newBarrier("withdraw-race-" + round, 3, listener);
            CompletableFuture<Integer> first = barrier.awaitAsync(BOUND);
            assertNowOrSoon("the first party arrived", () -> barrier.waiting() == 1);
            CompletableFuture<Integer> victim = barrier.awaitAsync(BOUND);
            assertNowOrSoon("the second party arrived", () -> barrier.waiting() == 2);
            AtomicReference<Boolean> cancelled = new AtomicReference<>();
            AtomicReference<CompletableFuture<Integer>> last = new AtomicReference<>();
            Threads.runConcurrently(flavor, 2, role -> {
                if (role == 0) {
                    cancelled.set(victim.cancel(false));
                } else {
                    last.set(barrier.awaitAsync(BOUND));
                }
            });
            if (cancelled.get()) {
                withdrawnRounds++;
                assertThat(victim).isCancelled();
                assertNowOrSoon("the other two still wait", () -> barrier.waiting() == 2);
                assertThat(first).isNotDone();
                assertThat(last.get()).isNotDone();
                int extra = barrier.await(BOUND);
                assertThat(Set.of(first.get(30, TimeUnit.SECONDS), last.get().get(30, TimeUnit.SECONDS), extra))
                        .containsExactlyInAnyOrder(0, 1, 2);
            } else {
                assertThat(Set.of(first.get(30, TimeUnit.SECONDS), victim.get(30, TimeUnit.SECONDS), last.get().get(30, TimeUnit.SECONDS)))
                        .containsExactlyInAnyOrder(0, 1, 2);
            }
            assertThat(barrier.waiting()).isZero();
        }
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(withdrawnRounds);
        assertThat(listener.count(Outcome.BROKEN)).isZero();
    }
}
