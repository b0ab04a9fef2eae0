package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Permits that come and go: {@link Semaphore#release(int)} adds permits no acquisition took,
 * {@link Semaphore#take(int, Duration)} and its forms take them out for good (asyncio's signalling
 * pattern), and a {@link Semaphore#bounded bounded} semaphore refuses a release above its bound.
 * In both orderings.
 */
@ParameterizedClass
@EnumSource(Fairness.class)
class SemaphoreReleaseTest {

    private static final Duration BOUND = Threads.BOUND;
    private final Fairness fairness;
    private final RecordingListener listener = new RecordingListener();

    SemaphoreReleaseTest(Fairness fairness) {
        this.fairness = fairness;
    }

    private Semaphore signals(int permits) {
        return Semaphore.create("signals", permits, fairness, listener);
    }

    /** A producer releases one permit per item; a consumer takes one per item, blocking, on a thread of its own. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void signallingPatternBlocking(Threads.Flavor flavor) throws Exception {
        Semaphore items = signals(0);
        int count = 2_000;
        AtomicInteger consumed = new AtomicInteger();
        Threads.runConcurrently(flavor, 2, side -> {
            for (int i = 0; i < count; i++) {
                if (side == 0) {
                    items.release();
                } else {
                    items.take(BOUND);
                    consumed.incrementAndGet();
                }
            }
        });
        assertThat(consumed.get()).isEqualTo(count);
        assertThat(items.availablePermits()).isZero();
        assertThat(items.capacity()).isZero();
        assertThat(items.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.ACQUIRED)).as("one wait per take").isEqualTo(count);
        assertThat(listener.releases()).as("a take holds nothing, so nothing is released").isZero();
    }

    /** The same with async takes: each is queued before its permit is released, and completes with it. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void signallingPatternAsync(Threads.Flavor flavor) throws Exception {
        Semaphore items = signals(0);
        int count = 2_000;
        List<CompletableFuture<Void>> takes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            takes.add(items.takeAsync(BOUND));
        }
        assertThat(items.snapshot().waiting()).isEqualTo(count);
        assertThat(takes).noneMatch(CompletableFuture::isDone);
        Threads.runConcurrently(flavor, 2, side -> {
            for (int i = 0; i < count / 2; i++) {
                items.release();
            }
        });
        CompletableFuture.allOf(takes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(items.availablePermits()).isZero();
        assertThat(items.capacity()).isZero();
        assertThat(items.snapshot().waiting()).isZero();
    }

    /**
     * A release(1) racing the cancel of the take it would serve, on separate threads: either the
     * cancel wins (nothing taken; the permit goes to the take behind) or the take did (cancel
     * false). Then one more release serves whoever still waits; at the end no permit is left and
     * none is missing. 2,000 rounds.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void cancelRacingReleaseNeverLosesAPermit(Threads.Flavor flavor) throws Exception {
        Semaphore items = signals(0);
        int cancelsWon = 0;
        for (int round = 0; round < 2_000; round++) {
            CompletableFuture<Void> waiter = items.takeAsync(BOUND);
            CompletableFuture<Void> behind = items.takeAsync(BOUND);
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    items.release(1);
                } else {
                    cancelled.set(waiter.cancel(false));
                }
            });
            if (cancelled.get()) {
                cancelsWon++;
                assertThat(waiter).isCancelled();
                behind.get(30, TimeUnit.SECONDS);
            } else {
                waiter.get(30, TimeUnit.SECONDS);
                assertThat(behind).as("round %d: one permit, already taken", round).isNotDone();
                items.release(1);
                behind.get(30, TimeUnit.SECONDS);
            }
            assertThat(items.availablePermits()).as("round %d", round).isZero();
            assertThat(items.capacity()).as("round %d", round).isZero();
            assertThat(items.snapshot().waiting()).as("round %d", round).isZero();
        }
        // Each round released 1 or 2 permits and took as many: what was released is what was taken.
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2 * 2_000 - cancelsWon);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(cancelsWon);
    }

    /** The same race with a blocking take interrupted on its thread while another thread releases. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void interruptRacingReleaseNeverLosesAPermit(Threads.Flavor flavor) throws Exception {
        Semaphore items = signals(0);
        for (int round = 0; round < 2_000; round++) {
            AtomicBoolean took = new AtomicBoolean();
            CountDownLatch queued = new CountDownLatch(1);
            Thread taker = Threads.start(flavor, () -> {
                queued.countDown();
                try {
                    items.take(BOUND);
                    took.set(true);
                } catch (InterruptedException expected) {
                    // nothing taken
                }
            });
            Threads.await(queued, "the taker started");
            Threads.awaitTrue("the taker queued", () -> items.snapshot().waiting() == 1);
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    items.release(1);
                } else {
                    taker.interrupt();
                }
            });
            Threads.joinAll(List.of(taker));
            int left = took.get() ? 0 : 1;
            assertThat(items.availablePermits()).as("round %d", round).isEqualTo(left);
            assertThat(items.capacity()).as("round %d", round).isEqualTo(left);
            if (left == 1) {
                assertThat(items.tryTake()).isTrue();
            }
        }
        assertThat(items.snapshot().waiting()).isZero();
    }

    @Test
    void zeroPermitSemaphore() throws Exception {
        Semaphore empty = signals(0);
        assertThat(empty.availablePermits()).isZero();
        assertThat(empty.capacity()).isZero();
        assertThat(empty.bound()).isEqualTo(Integer.MAX_VALUE);
        assertThat(empty.tryAcquire()).isNull();
        assertThat(empty.tryTake()).isFalse();
        assertThatThrownBy(() -> empty.acquire(Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
        assertThatThrownBy(() -> empty.take(Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
        assertThatThrownBy(() -> empty.takeAsync(Duration.ZERO).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GuardTimeoutException.class);
        Snapshot none = empty.snapshot();
        assertThat(none.capacity()).isZero();
        assertThat(none.active()).isZero();
        assertThat(empty.toString()).isEqualTo("semaphore 'signals' (0/0 free)");

        empty.release(3);
        assertThat(empty.capacity()).isEqualTo(3);
        try (Permit two = empty.acquire(2, BOUND)) {
            assertThat(empty.snapshot().active()).isEqualTo(2);
            assertThat(empty.snapshot().capacity()).isEqualTo(3);
            empty.take(BOUND);
            assertThat(empty.capacity()).as("taken for good").isEqualTo(2);
            assertThat(empty.snapshot().active()).isEqualTo(2);
            assertThat(empty.availablePermits()).isZero();
        }
        assertThat(empty.availablePermits()).isEqualTo(2);
        assertThat(empty.capacity()).isEqualTo(2);
        assertThat(listener.releases()).as("only the acquired permit was released").isEqualTo(1);
    }

    /** An unbounded semaphore: a request for more permits than exist waits for release(n) to add them. */
    @Test
    void requestAboveTheCurrentPermitsWaitsForReleases() throws Exception {
        Semaphore pool = signals(1);
        CompletableFuture<Permit> three = pool.acquireAsync(3, BOUND);
        CompletableFuture<Void> takeTwo = pool.takeAsync(2, BOUND);
        pool.release(1);
        assertThat(three).isNotDone();
        pool.release(1);
        Permit held = three.get(30, TimeUnit.SECONDS);
        assertThat(takeTwo).as("all three are held").isNotDone();
        held.close();
        takeTwo.get(30, TimeUnit.SECONDS);
        assertThat(pool.capacity()).isEqualTo(1);
        assertThat(pool.availablePermits()).isEqualTo(1);
        assertThatThrownBy(() -> pool.acquire(0, BOUND)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ask for at least 1");
        assertThatThrownBy(() -> pool.release(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot release 0");
        assertThatThrownBy(() -> pool.tryTake(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A take for two at the head holds back an acquisition for one behind it, as any large
     * request does; a try-take overtakes the queue only when barging.
     */
    @Test
    void takeAtTheHeadHoldsBackTheRequestsQueuedBehindIt() throws Exception {
        Semaphore items = signals(0);
        CompletableFuture<Void> takeTwo = items.takeAsync(2, BOUND);
        CompletableFuture<Permit> acquireOne = items.acquireAsync(BOUND);
        items.release(1);
        assertThat(takeTwo).isNotDone();
        assertThat(acquireOne).as("one free, but the take for two queued first").isNotDone();
        if (fairness == Fairness.FIFO) {
            assertThat(items.tryTake()).as("FIFO: nobody overtakes the queue").isFalse();
        } else {
            assertThat(items.tryTake()).as("barging: a free permit may be taken").isTrue();
            items.release(1);
        }
        items.release(1);
        takeTwo.get(30, TimeUnit.SECONDS);
        assertThat(acquireOne).isNotDone();
        assertThat(items.capacity()).isZero();
        items.release(1);
        acquireOne.get(30, TimeUnit.SECONDS).close();
        assertThat(items.availablePermits()).isEqualTo(1);
        assertThat(items.capacity()).isEqualTo(1);
    }

    /** The same with a blocking take at the head, on a thread of its own. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void blockingTakeAtTheHeadHoldsBackTheRequestsBehindIt(Threads.Flavor flavor) throws Exception {
        Semaphore items = signals(0);
        Threads.Call take = Threads.call(flavor, i -> items.take(2, BOUND));
        Threads.awaitTrue("the take queued", () -> items.snapshot().waiting() == 1);
        CompletableFuture<Permit> acquireOne = items.acquireAsync(BOUND);
        items.release(1);
        assertThat(acquireOne).as("the take for two queued first").isNotDone();
        items.release(1);
        take.joinSuccessfully();
        assertThat(items.capacity()).isZero();
        assertThat(acquireOne).isNotDone();
        items.release(1);
        acquireOne.get(30, TimeUnit.SECONDS).close();
        assertThat(items.availablePermits()).isEqualTo(1);
    }

    /** Timeouts and cancellations of takes take nothing, and the waiters behind move up. */
    @Test
    void aTakeThatGivesUpTakesNothing() throws Exception {
        Semaphore items = signals(0);
        assertThatThrownBy(() -> items.take(Duration.ofMillis(20))).isInstanceOf(GuardTimeoutException.class)
                .hasMessageContaining("signals");
        CompletableFuture<Void> timedOut = items.takeAsync(Duration.ofMillis(20));
        assertThatThrownBy(() -> timedOut.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GuardTimeoutException.class);
        CompletableFuture<Void> cancelled = items.takeAsync(2, BOUND);
        CompletableFuture<Void> behind = items.takeAsync(BOUND);
        items.release(1);
        assertThat(behind).as("held back by the take for two").isNotDone();
        assertThat(cancelled.cancel(false)).isTrue();
        behind.get(30, TimeUnit.SECONDS);
        assertThat(items.capacity()).isZero();
        assertThat(items.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(2);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.waitsEnded()).isEqualTo(listener.arrivals());
    }

    /** A bounded semaphore counts held permits as well as free ones: a release that would overfill it is refused. */
    @Test
    void boundedRefusesAReleaseAboveItsBound() throws Exception {
        Semaphore bounded = Semaphore.bounded("uploads", 2, fairness, listener);
        assertThat(bounded.bound()).isEqualTo(2);
        Permit held = bounded.acquire(BOUND);
        assertThatThrownBy(bounded::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'uploads'")
                .hasMessageContaining("bound is 2")
                .hasMessageContaining("1 are free and 1 held")
                .hasMessageContaining("closing it");
        assertThat(bounded.capacity()).as("nothing added").isEqualTo(2);
        assertThat(bounded.availablePermits()).isEqualTo(1);

        bounded.take(BOUND);
        assertThat(bounded.capacity()).isEqualTo(1);
        assertThatThrownBy(() -> bounded.release(2)).isInstanceOf(IllegalStateException.class);
        bounded.release();
        assertThat(bounded.capacity()).isEqualTo(2);
        held.close(); // the acquired permit can always go back: it was counted all along
        assertThat(bounded.availablePermits()).isEqualTo(2);
        assertThat(bounded.toString()).isEqualTo("semaphore 'uploads' (2/2 free, bound 2)");
        assertThatThrownBy(() -> bounded.acquire(3, BOUND)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ask for 1 to 2");
        assertThatThrownBy(() -> Semaphore.bounded("none", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'none'").hasMessageContaining("at least 1");
    }

    /** An unbounded semaphore grows only up to what an int can count. */
    @Test
    void unboundedRefusesAReleaseBeyondTheIntRange() {
        Semaphore big = signals(Integer.MAX_VALUE - 1);
        big.release();
        assertThatThrownBy(big::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot have more than " + Integer.MAX_VALUE);
        assertThat(big.capacity()).isEqualTo(Integer.MAX_VALUE);
    }

    /** Releases and takes on many threads, a bounded semaphore never holds more than its bound, and every permit is counted. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void boundedUnderContentionNeverExceedsItsBound(Threads.Flavor flavor) throws Exception {
        Semaphore bounded = Semaphore.bounded("bounded", 3, fairness, listener);
        AtomicInteger owed = new AtomicInteger(); // permits taken and not yet released again
        AtomicInteger refused = new AtomicInteger();
        Threads.runConcurrently(flavor, 6, side -> {
            for (int i = 0; i < 500; i++) {
                switch ((side + i) % 3) {
                    case 0 -> {
                        if (bounded.tryTake()) {
                            owed.incrementAndGet();
                        }
                    }
                    case 1 -> {
                        try {
                            bounded.release();
                            owed.decrementAndGet();
                        } catch (IllegalStateException full) {
                            refused.incrementAndGet();
                        }
                    }
                    default -> {
                        try (Permit p = bounded.acquire(1 + i % 2, BOUND)) {
                            assertThat(bounded.capacity()).isLessThanOrEqualTo(3);
                        }
                    }
                }
            }
        });
        assertThat(bounded.capacity()).isEqualTo(3 - owed.get()).isLessThanOrEqualTo(3);
        assertThat(bounded.availablePermits()).isEqualTo(bounded.capacity());
        assertThat(refused.get()).isPositive();
    }

    /**
     * Held permits are tracked whatever the permits grew to: a semaphore created with one permit
     * that release() grew to two lists both holders.
     */
    @Test
    void snapshotListsEveryHolderAfterReleaseGrewThePermits() throws Exception {
        Semaphore grown = signals(1);
        grown.release();
        try (Permit a = grown.acquire(BOUND); Permit b = grown.acquire(BOUND)) {
            assertThat(grown.snapshot().holders()).hasSize(2);
            assertThat(grown.snapshot().active()).isEqualTo(2);
            assertThat(grown.snapshot().capacity()).isEqualTo(2);
        }
        assertThat(grown.snapshot().holders()).isEmpty();
    }
}
