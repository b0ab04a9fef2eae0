package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What only the local limiter does: exact token accounting against a fake clock (a cluster limiter
 * runs on Redis' sliding window, in whole milliseconds of the instances' clocks), rejection at arrival
 * with an exact retry-after, and strict FIFO grants. What every limiter does, on the real clock, is in
 * {@link dev.signalbox.core.contract.RateLimiterContract} (run here by LocalRateLimiterContractTest).
 */
class RateLimiterTest {

    /**
     * Fake time for deterministic accuracy checks. Periods are long (an hour) wherever async waiters
     * queue, so the real timer (armed in real nanoseconds for a fake due time) never fires during a
     * test: grants then happen only when the test calls {@link LocalRateLimiter#refill()}.
     */
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private LocalRateLimiter fakeTimed(int limit, Duration per) {
        return new LocalRateLimiter("fake", limit, per, PrimitiveListener.NONE, clock::get);
    }

    private LocalRateLimiter fakeTimed(int limit, Duration per, PrimitiveListener listener) {
        return new LocalRateLimiter("fake", limit, per, listener, clock::get);
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    // ---------------------------------------------------------------- exactness with a fake clock

    @Test
    void startsFullSoAFullBurstIsAdmittedThenNothingMore() {
        LocalRateLimiter limiter = fakeTimed(5, Duration.ofSeconds(1));
        assertThat(limiter.availableTokens()).isEqualTo(5);
        assertThat(limiter.tryAcquire(3)).isTrue();
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.availableTokens()).isZero();
    }

    @Test
    void tryAcquireAfterExhaustionFailsUntilExactlyOneTokenIntervalHasPassed() {
        LocalRateLimiter limiter = fakeTimed(5, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire(5)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        advance(Duration.ofNanos(199_999_999));
        assertThat(limiter.tryAcquire()).isFalse();
        advance(Duration.ofNanos(1));
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void refillStopsAtTheLimit() {
        LocalRateLimiter limiter = fakeTimed(4, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire(4)).isTrue();
        advance(Duration.ofHours(5));
        assertThat(limiter.availableTokens()).isEqualTo(4);
        assertThat(limiter.tryAcquire(4)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void retryAfterIsExactWithAFakeClock() {
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofSeconds(1));
        assertThat(limiter.timeUntilAvailable(10)).isZero();
        assertThat(limiter.tryAcquire(10)).isTrue();
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofMillis(100));
        advance(Duration.ofMillis(30));
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofMillis(70));
        assertThat(limiter.timeUntilAvailable(3)).isEqualTo(Duration.ofMillis(270));

        RateLimitExceededException now = catchThrowableOfType(RateLimitExceededException.class,
                () -> limiter.acquire(Duration.ZERO));
        assertThat(now.getRetryAfter()).isEqualTo(Duration.ofMillis(70));
        assertThat(now.getPrimitiveName()).isEqualTo("fake");
        RateLimitExceededException tooShort = catchThrowableOfType(RateLimitExceededException.class,
                () -> limiter.acquire(2, Duration.ofMillis(169)));
        assertThat(tooShort.getRetryAfter()).isEqualTo(Duration.ofMillis(170));
        assertThat(limiter.acquireAsync(2, Duration.ofMillis(100)))
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableThat().havingCause().isInstanceOf(RateLimitExceededException.class);
        // Rejections took nothing and reserved nothing.
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofMillis(70));
        assertThat(limiter.snapshot().waiting()).isZero();
    }

    @Test
    void aRateThatDoesNotDivideThePeriodNeitherDriftsNorRoundsEarly() {
        LocalRateLimiter limiter = fakeTimed(3, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire(3)).isTrue();
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofNanos(333_333_334));
        assertThat(limiter.timeUntilAvailable(3)).isEqualTo(Duration.ofSeconds(1));
        // Greedy single-token takes, every millisecond for 100 s: exactly limit + floor(t * rate) by time t.
        long admitted = 3;
        long start = clock.get();
        for (int ms = 1; ms <= 100_000; ms++) {
            advance(Duration.ofMillis(1));
            while (limiter.tryAcquire()) {
                admitted++;
            }
            long elapsed = clock.get() - start;
            assertThat(admitted).isEqualTo(3 + (elapsed * 3) / 1_000_000_000L);
        }
    }

    @Test
    void everyWindowAdmitsAtMostTheBurstPlusTheRateTimesItsLength() {
        int limit = 10;
        Duration per = Duration.ofHours(1);
        long perNanos = per.toNanos();
        LocalRateLimiter limiter = fakeTimed(limit, per);
        Random random = new Random(42);
        List<long[]> admissions = new ArrayList<>(); // {time, tokens}
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            advance(Duration.ofNanos(random.nextLong(perNanos / 8)));
            int permits = 1 + random.nextInt(3);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (limiter.tryAcquire(permits)) {
                        admissions.add(new long[] {clock.get(), permits});
                    }
                }
                case 1 -> {
                    CompletableFuture<Void> f = limiter.acquireAsync(permits, Duration.ofNanos(random.nextLong(perNanos)));
                    long[] record = {-1, permits};
                    f.thenRun(() -> record[0] = clock.get());
                    admissions.add(record);
                    pending.add(f);
                }
                case 2 -> {
                    if (!pending.isEmpty()) {
                        pending.remove(random.nextInt(pending.size())).cancel(false);
                    }
                }
                default -> limiter.refill();
            }
        }
        advance(Duration.ofDays(1));
        limiter.refill();
        List<long[]> granted = admissions.stream().filter(a -> a[0] >= 0).sorted((a, b) -> Long.compare(a[0], b[0])).toList();
        assertThat(granted).hasSizeGreaterThan(100);
        for (int i = 0; i < granted.size(); i++) {
            long tokens = 0;
            for (int j = i; j < granted.size(); j++) {
                tokens += granted.get(j)[1];
                long window = granted.get(j)[0] - granted.get(i)[0];
                // tokens <= limit + window * limit / per, in integers
                assertThat((tokens - limit) * perNanos)
                        .as("window of %d ns from admission %d holds %d tokens", window, i, tokens)
                        .isLessThanOrEqualTo(window * limit);
            }
        }
        assertThat(limiter.snapshot().waiting()).isZero();
        assertThat(limiter.isIdle()).isTrue();
    }

    // ---------------------------------------------------------------- reservations and cancellation

    @Test
    void aWaiterReservesItsPlaceSoLaterCallsCannotTakeItsTokens() {
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofHours(1));
        assertThat(limiter.tryAcquire(10)).isTrue();
        CompletableFuture<Void> waiter = limiter.acquireAsync(5, Durations.FOREVER);
        assertThat(limiter.snapshot().waiting()).isEqualTo(1);
        advance(Duration.ofMinutes(6)); // one token in the bucket, owed to the waiter
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.availableTokens()).isZero();
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofMinutes(30)); // 4 more for it, then 1
        advance(Duration.ofMinutes(24));
        limiter.refill();
        assertThat(waiter).isCompleted();
        assertThat(limiter.tryAcquire()).isFalse();
        advance(Duration.ofMinutes(6));
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void aBigRequestAtTheHeadHoldsBackSmallerOnesBehindIt() {
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofHours(1));
        assertThat(limiter.tryAcquire(10)).isTrue();
        CompletableFuture<Void> big = limiter.acquireAsync(8, Durations.FOREVER);
        CompletableFuture<Void> small = limiter.acquireAsync(1, Durations.FOREVER);
        advance(Duration.ofMinutes(42)); // 7 tokens: enough for the small one, not for the head
        limiter.refill();
        assertThat(big).isNotDone();
        assertThat(small).isNotDone();
        advance(Duration.ofMinutes(6));
        limiter.refill();
        assertThat(big).isCompleted();
        assertThat(small).isNotDone();
        advance(Duration.ofMinutes(6));
        limiter.refill();
        assertThat(small).isCompleted();
    }

    @Test
    void cancellingAReservationLetsTheWaitersBehindItMoveUp() {
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofHours(1));
        assertThat(limiter.tryAcquire(10)).isTrue();
        CompletableFuture<Void> first = limiter.acquireAsync(5, Durations.FOREVER);
        CompletableFuture<Void> second = limiter.acquireAsync(5, Durations.FOREVER);
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofMinutes(66));
        assertThat(first.cancel(false)).isTrue();
        assertThat(first).isCancelled();
        assertThat(limiter.snapshot().waiting()).isEqualTo(1);
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofMinutes(36));
        advance(Duration.ofMinutes(30));
        limiter.refill();
        assertThat(second).isCompleted();
        assertThat(limiter.availableTokens()).isZero();
    }

    @Test
    void cancellingTheOnlyReservationRestoresTheBucketExactly() {
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofHours(1));
        assertThat(limiter.tryAcquire(7)).isTrue();
        Duration before = limiter.timeUntilAvailable(10);
        CompletableFuture<Void> reservation = limiter.acquireAsync(6, Durations.FOREVER);
        assertThat(reservation.cancel(false)).isTrue();
        assertThat(limiter.timeUntilAvailable(10)).isEqualTo(before);
        assertThat(limiter.availableTokens()).isEqualTo(3);
        assertThat(limiter.tryAcquire(3)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void cancelledReservationsNeverLetLaterCallsExceedTheBound() {
        // The trap of "give the tokens back": reservations ahead are cancelled, the bucket fills while
        // the last waiter is still pending, and then it cancels too. Nothing may be over-admitted.
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofHours(1));
        assertThat(limiter.tryAcquire(10)).isTrue();
        CompletableFuture<Void> x1 = limiter.acquireAsync(10, Durations.FOREVER);
        CompletableFuture<Void> x2 = limiter.acquireAsync(10, Durations.FOREVER);
        CompletableFuture<Void> last = limiter.acquireAsync(5, Durations.FOREVER);
        x1.cancel(false);
        x2.cancel(false);
        advance(Duration.ofMinutes(90)); // 15 tokens earned: the waiter's 5 and a full bucket would be 15
        limiter.refill();
        assertThat(last).isCompleted();
        assertThat(last.cancel(false)).isFalse();
        assertThat(limiter.availableTokens()).isEqualTo(10);
        assertThat(limiter.tryAcquire(10)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void aCancelRacingTheGrantEitherTakesTheTokenOrLeavesIt() throws Exception {
        int granted = 0;
        for (int i = 0; i < 2000; i++) {
            LocalRateLimiter limiter = fakeTimed(1, Duration.ofHours(1));
            assertThat(limiter.tryAcquire()).isTrue();
            CompletableFuture<Void> reservation = limiter.acquireAsync(1, Durations.FOREVER);
            advance(Duration.ofHours(1));
            CountDownLatch go = new CountDownLatch(1);
            Thread granter = Thread.ofPlatform().start(() -> {
                awaitQuietly(go);
                limiter.refill();
            });
            go.countDown();
            boolean cancelled = reservation.cancel(false);
            granter.join(Threads.BOUND);
            assertThat(reservation.isDone()).isTrue();
            assertThat(reservation.isCancelled()).isEqualTo(cancelled);
            assertThat(limiter.snapshot().waiting()).isZero();
            assertThat(limiter.availableTokens()).as("iteration %d, cancelled %s", i, cancelled).isEqualTo(cancelled ? 1 : 0);
            granted += cancelled ? 0 : 1;
        }
        assertThat(granted).isBetween(0, 2000);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void asyncWaitersAreGrantedInArrivalOrder() {
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofHours(1));
        assertThat(limiter.tryAcquire(10)).isTrue();
        Queue<Integer> order = new ConcurrentLinkedQueue<>();
        Random random = new Random(7);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int index = i;
            futures.add(limiter.acquireAsync(1 + random.nextInt(10), Durations.FOREVER).thenRun(() -> order.add(index)));
        }
        assertThat(limiter.snapshot().waiting()).isEqualTo(3000);
        while (order.size() < 3000) {
            advance(Duration.ofMinutes(1 + random.nextInt(20)));
            limiter.refill();
        }
        assertThat(order).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 3000).boxed().toList());
        assertThat(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))).isCompleted();
    }

    // ---------------------------------------------------------------- the listener

    @Test
    void reportedWaitsAreZeroForCallsDecidedAtOnceAndRunFromTheReservationForQueuedOnes() throws Exception {
        List<Long> acquiredWaits = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> otherWaits = new java.util.concurrent.CopyOnWriteArrayList<>();
        PrimitiveListener listener = new PrimitiveListener() {
            @Override
            public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
                (outcome == Outcome.ACQUIRED ? acquiredWaits : otherWaits).add(waitNanos);
            }
        };
        LocalRateLimiter limiter = fakeTimed(1, Duration.ofHours(1), listener);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        advance(Duration.ofMinutes(10));
        CompletableFuture<Void> queued = limiter.acquireAsync(1, Durations.FOREVER);
        advance(Duration.ofMinutes(50));
        limiter.refill();
        queued.get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> withdrawn = limiter.acquireAsync(1, Durations.FOREVER);
        advance(Duration.ofMinutes(5));
        withdrawn.cancel(false);
        assertThat(acquiredWaits).containsExactly(0L, Duration.ofMinutes(50).toNanos());
        assertThat(otherWaits).containsExactly(0L, Duration.ofMinutes(5).toNanos());
    }

    @Test
    void everyCallEndsInExactlyOneReportedOutcomeAndNothingIsReleased() throws Exception {
        RecordingListener listener = new RecordingListener();
        LocalRateLimiter limiter = fakeTimed(2, Duration.ofHours(1), listener);
        assertThat(limiter.tryAcquire(2)).isTrue();                              // ACQUIRED
        assertThat(limiter.tryAcquire()).isFalse();                              // REJECTED
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMinutes(1)))         // REJECTED
                .isInstanceOf(RateLimitExceededException.class);
        CompletableFuture<Void> cancelled = limiter.acquireAsync(1, Durations.FOREVER);
        CompletableFuture<Void> granted = limiter.acquireAsync(1, Durations.FOREVER);
        cancelled.cancel(false);                                                 // CANCELLED
        advance(Duration.ofHours(1));
        limiter.refill();                                                        // ACQUIRED
        granted.get(1, TimeUnit.SECONDS);
        assertThat(listener.arrivals()).isEqualTo(5);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(2);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.waitsEnded()).isEqualTo(5);
        assertThat(listener.releases()).isZero();
        assertThat(listener.negativeDurations()).isZero();
    }

    // ---------------------------------------------------------------- idleness

    @Test
    void isIdleOnlyWhenFullAndNobodyWaits() {
        LocalRateLimiter limiter = fakeTimed(4, Duration.ofHours(1));
        assertThat(limiter.isIdle()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.isIdle()).isFalse();
        advance(Duration.ofMinutes(14));
        assertThat(limiter.isIdle()).isFalse();
        advance(Duration.ofMinutes(1));
        assertThat(limiter.isIdle()).isTrue();
        assertThat(limiter.tryAcquire(4)).isTrue();
        CompletableFuture<Void> waiter = limiter.acquireAsync(4, Durations.FOREVER);
        advance(Duration.ofMinutes(59));
        assertThat(limiter.isIdle()).isFalse();
        advance(Duration.ofMinutes(1));
        assertThat(limiter.isIdle()).as("the waiter took the refill").isFalse();
        assertThat(waiter).isCompleted();
        advance(Duration.ofHours(1));
        assertThat(limiter.isIdle()).isTrue();
    }

    // ---------------------------------------------------------------- real threads

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void concurrentTryAcquireWithAFrozenClockAdmitsExactlyTheLimit(Threads.Flavor flavor) throws Exception {
        for (int round = 0; round < 20; round++) {
            LocalRateLimiter limiter = fakeTimed(500, Duration.ofSeconds(1));
            LongAdder admitted = new LongAdder();
            Threads.runConcurrently(flavor, 8, index -> {
                for (int i = 0; i < 200; i++) {
                    if (limiter.tryAcquire(1 + (i % 2))) {
                        admitted.add(1 + (i % 2));
                    }
                }
            });
            assertThat(admitted.sum()).isBetween(499L, 500L);
            assertThat(limiter.availableTokens()).isEqualTo(500 - (int) admitted.sum());
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void concurrentSingleTokenTryAcquireWithAFrozenClockAdmitsExactlyTheLimit(Threads.Flavor flavor) throws Exception {
        LocalRateLimiter limiter = fakeTimed(1000, Duration.ofSeconds(1));
        LongAdder admitted = new LongAdder();
        Threads.runConcurrently(flavor, 8, index -> {
            for (int i = 0; i < 500; i++) {
                if (limiter.tryAcquire()) {
                    admitted.increment();
                }
            }
        });
        assertThat(admitted.sum()).isEqualTo(1000);
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void concurrentCallersWithAMovingClockNeverExceedTheBound(Threads.Flavor flavor) throws Exception {
        LocalRateLimiter limiter = fakeTimed(100, Duration.ofSeconds(1));
        long start = clock.get();
        LongAdder admitted = new LongAdder();
        Threads.runConcurrently(flavor, 8, index -> {
            for (int i = 0; i < 5000; i++) {
                if (index == 0) {
                    advance(Duration.ofMillis(1));
                } else if (limiter.tryAcquire()) {
                    admitted.increment();
                }
            }
        });
        long elapsed = clock.get() - start;
        assertThat(admitted.sum()).isLessThanOrEqualTo(100 + elapsed * 100 / 1_000_000_000L);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void blockingWaitersAreGrantedInArrivalOrder(Threads.Flavor flavor) throws Exception {
        // Fake time, one token an hour: a grant happens only when the test refills, one waiter at a
        // time, so the order checked is the limiter's grant order, not the order threads wake in.
        LocalRateLimiter limiter = fakeTimed(1, Duration.ofHours(1));
        assertThat(limiter.tryAcquire()).isTrue();
        Queue<Integer> order = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int index = i;
            threads.add(Threads.start(flavor, () -> {
                try {
                    limiter.acquire(1, Duration.ofDays(1));
                    order.add(index);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            // Line them up: the next one starts only once this one has its place in the queue.
            int expected = i + 1;
            Threads.awaitTrue("waiter " + i + " queued", () -> limiter.snapshot().waiting() >= expected);
        }
        for (int granted = 1; granted <= 6; granted++) {
            advance(Duration.ofHours(1));
            limiter.refill();
            int expected = granted;
            Threads.awaitTrue(granted + " waiters granted", () -> order.size() >= expected);
            assertThat(order).hasSize(granted);
        }
        Threads.joinAll(threads);
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(limiter.snapshot().waiting()).isZero();
    }

    /**
     * Local only: the call is rejected at arrival, and its retry-after is when the token will be free.
     * A cluster limiter cannot tell in advance (Redisson's window does not say when its oldest grant
     * leaves), so it waits out the timeout and says {@code per}; the contract bounds it by that.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void aBlockingWaiterTooFarBackIsRejectedAtOnceWithItsRetryAfter(Threads.Flavor flavor) throws Exception {
        RateLimiter limiter = RateLimiter.create("far", 2, Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire(2)).isTrue();
        RateLimitExceededException[] rejected = new RateLimitExceededException[1];
        Thread t = Threads.start(flavor, () -> rejected[0] = catchThrowableOfType(RateLimitExceededException.class,
                () -> limiter.acquire(Duration.ofSeconds(1))));
        Threads.joinAll(List.of(t));
        assertThat(rejected[0]).isNotNull();
        assertThat(rejected[0].getRetryAfter()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
        assertThat(limiter.snapshot().waiting()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void anInterruptedWaiterTakesNothingAndTheOneBehindMovesUp(Threads.Flavor flavor) throws Exception {
        RecordingListener listener = new RecordingListener();
        LocalRateLimiter limiter = fakeTimed(10, Duration.ofHours(1), listener);
        assertThat(limiter.tryAcquire(10)).isTrue();
        Throwable[] firstOutcome = new Throwable[1];
        Thread first = Threads.start(flavor, () -> {
            try {
                limiter.acquire(5, Durations.FOREVER);
            } catch (Throwable e) {
                firstOutcome[0] = e;
            }
        });
        Threads.awaitTrue("first queued", () -> limiter.snapshot().waiting() == 1);
        boolean[] secondGranted = new boolean[1];
        Thread second = Threads.start(flavor, () -> {
            try {
                limiter.acquire(5, Durations.FOREVER);
                secondGranted[0] = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Threads.awaitTrue("second queued", () -> limiter.snapshot().waiting() == 2);
        first.interrupt();
        Threads.joinAll(List.of(first));
        assertThat(firstOutcome[0]).isInstanceOf(InterruptedException.class);
        assertThat(limiter.snapshot().waiting()).isEqualTo(1);
        assertThat(limiter.timeUntilAvailable(1)).isEqualTo(Duration.ofMinutes(36));
        advance(Duration.ofMinutes(30));
        limiter.refill();
        Threads.joinAll(List.of(second));
        assertThat(secondGranted[0]).isTrue();
        assertThat(limiter.availableTokens()).isZero();
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
    }
}
