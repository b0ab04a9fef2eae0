package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTest {

    private final RecordingListener listener = new RecordingListener();
    private final Event event = Event.create("ready", listener);

    @AfterEach
    void nobodyIsLeftWaitingAndEveryWaitWasReported() {
        assertThat(event.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(listener.waitsEnded()).as("every arrival ends exactly one reported wait").isEqualTo(listener.arrivals());
        assertThat(listener.negativeDurations()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void setWakesEveryBlockedWaiter(Threads.Flavor flavor) throws Exception {
        int waiters = flavor == Threads.Flavor.PLATFORM ? 12 : 2_000;
        AtomicInteger released = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            threads.add(Threads.start(flavor, () -> {
                try {
                    event.await(Threads.BOUND);
                    released.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        Threads.awaitTrue("all waiters queued", () -> event.snapshot().waiting() == waiters);
        assertThat(released.get()).as("nobody passes before set()").isZero();

        event.set();

        Threads.joinAll(threads);
        assertThat(released.get()).isEqualTo(waiters);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(waiters);
    }

    @Test
    void thousandsOfAsyncWaitersParkNoThreadAndAreWokenInArrivalOrderByOneSet() throws Exception {
        int waiters = 20_000;
        int threadsBefore = Thread.activeCount();
        List<Integer> wakeOrder = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            int index = i;
            // set() runs on one thread, so these callbacks (run by it) append sequentially.
            futures.add(event.awaitAsync(Threads.BOUND).thenRun(() -> wakeOrder.add(index)));
        }
        assertThat(event.snapshot().waiting()).isEqualTo(waiters);
        assertThat(Thread.activeCount()).as("no thread per waiter").isLessThan(threadsBefore + 5);
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        event.set();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(wakeOrder).hasSize(waiters).isSorted();
    }

    @Test
    void asyncWaitersAreWokenBySetOnASmallExecutor() throws Exception {
        int waiters = 10_000;
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            AtomicInteger ran = new AtomicInteger();
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                futures.add(event.awaitAsync(Threads.BOUND).thenRunAsync(ran::incrementAndGet, executor));
            }
            executor.submit(event::set).get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(ran.get()).isEqualTo(waiters);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void callersArrivingWhileSetReturnAtOnce() throws Exception {
        event.set();
        assertThat(event.isSet()).isTrue();
        event.await(Duration.ZERO);
        assertThat(event.awaitAsync(Duration.ZERO)).isCompletedWithValue(null);
        event.set();
        assertThat(event.snapshot().active()).isEqualTo(1);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
    }

    @Test
    void clearMakesLaterCallersWait() throws Exception {
        event.set();
        event.clear();
        assertThat(event.isSet()).isFalse();
        assertThat(event.snapshot().active()).isZero();
        assertThatThrownBy(() -> event.await(Duration.ZERO))
                .isInstanceOf(GuardTimeoutException.class)
                .hasMessageContaining("event 'ready'");
        CompletableFuture<Void> later = event.awaitAsync(Threads.BOUND);
        assertThat(later).isNotDone();
        event.set();
        later.get(30, TimeUnit.SECONDS);
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void waitersReleasedBySetStayReleasedWhenClearFollowsAtOnce(Threads.Flavor flavor) throws Exception {
        for (int round = 0; round < 200; round++) {
            Event e = Event.create("round-" + round);
            AtomicInteger released = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                threads.add(Threads.start(flavor, () -> {
                    try {
                        e.await(Threads.BOUND);
                        released.incrementAndGet();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            List<CompletableFuture<Void>> async = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                async.add(e.awaitAsync(Threads.BOUND));
            }
            Threads.awaitTrue("all queued", () -> e.snapshot().waiting() == 8);

            e.set();
            e.clear();

            Threads.joinAll(threads);
            assertThat(released.get()).isEqualTo(4);
            assertThat(async).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertThat(e.isSet()).isFalse();
        }
    }

    @Test
    void blockingTimeoutThrowsAndLeavesNoWaiterBehind() {
        assertThatThrownBy(() -> event.await(Duration.ofMillis(20)))
                .isInstanceOf(GuardTimeoutException.class)
                .hasMessageContaining("timed out after 20ms waiting for event 'ready'");
        assertThat(event.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void asyncTimeoutFailsTheFutureAndLeavesNoWaiterBehind() {
        CompletableFuture<Void> waiting = event.awaitAsync(Duration.ofMillis(20));
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(GuardTimeoutException.class);
        assertThat(event.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void cancellingAnAsyncWaitWithdrawsIt() {
        CompletableFuture<Void> waiting = event.awaitAsync(Threads.BOUND);
        assertThat(event.snapshot().waiting()).isEqualTo(1);
        assertThat(waiting.cancel(false)).isTrue();
        assertThat(event.snapshot().waiting()).isZero();
        event.set();
        assertThat(waiting).isCancelled();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.count(Outcome.ACQUIRED)).isZero();
    }

    @Test
    void cancellingAfterSetChangesNothing() {
        CompletableFuture<Void> waiting = event.awaitAsync(Threads.BOUND);
        event.set();
        assertThat(waiting.cancel(false)).isFalse();
        assertThat(waiting).isCompletedWithValue(null);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void interruptedWaiterThrowsAndLeavesNoWaiterBehind(Threads.Flavor flavor) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Threads.start(flavor, () -> {
            try {
                event.await(Threads.BOUND);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        Threads.awaitTrue("waiter queued", () -> event.snapshot().waiting() == 1);
        waiter.interrupt();
        Threads.joinAll(List.of(waiter));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(event.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
    }

    /** Waiters arriving while another thread calls set(): none may enqueue after the drain and be missed. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void noWaiterIsMissedBySetRacingItsArrival(Threads.Flavor flavor) throws Exception {
        int threads = flavor == Threads.Flavor.PLATFORM ? 4 : 32;
        for (int round = 0; round < 300; round++) {
            Event e = Event.create("race-" + round);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                waiters.add(Threads.start(flavor, () -> {
                    try {
                        start.await();
                        e.await(Threads.BOUND);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            List<CompletableFuture<Void>> async = new CopyOnWriteArrayList<>();
            Thread asyncArrivals = Threads.start(flavor, () -> {
                try {
                    start.await();
                    for (int i = 0; i < 20; i++) {
                        async.add(e.awaitAsync(Threads.BOUND));
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            start.countDown();
            e.set();
            waiters.add(asyncArrivals);
            Threads.joinAll(waiters);
            assertThat(async).hasSize(20).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertThat(e.snapshot().waiting()).isZero();
        }
    }

    /**
     * set() and clear() racing each other and new arrivals: every waiter queued before the race is
     * released by the set(), whatever clear() does; the late arrivals are each either released or
     * still queued, and a final set() releases them all.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void setAndClearRacingArrivalsLoseNoWaiter(Threads.Flavor flavor) throws Exception {
        for (int round = 0; round < 500; round++) {
            Event e = Event.create("toggle-" + round);
            List<CompletableFuture<Void>> early = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                early.add(e.awaitAsync(Threads.BOUND));
            }
            List<CompletableFuture<Void>> late = new CopyOnWriteArrayList<>();
            Threads.runConcurrently(flavor, 3, role -> {
                switch (role) {
                    case 0 -> e.set();
                    case 1 -> e.clear();
                    default -> {
                        for (int i = 0; i < 10; i++) {
                            late.add(e.awaitAsync(Threads.BOUND));
                        }
                    }
                }
            });
            assertThat(early).as("queued before set()").allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            long stillWaiting = late.stream().filter(f -> !f.isDone()).count();
            assertThat(e.snapshot().waiting()).as("pending futures are exactly the queued waiters").isEqualTo((int) stillWaiting);
            if (stillWaiting > 0) {
                assertThat(e.isSet()).as("a waiter can only be queued while the event is clear").isFalse();
            }
            e.set();
            assertThat(late).hasSize(10).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        }
    }

    /** Waits timing out at the very moment of set(): each ends exactly once, and nothing stays queued. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timeoutsRacingSetLeaveNoWaiterBehind(Threads.Flavor flavor) throws Exception {
        AtomicInteger released = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        for (int round = 0; round < 300; round++) {
            Event e = Event.create("timeout-race-" + round, listener);
            Threads.runConcurrently(flavor, 4, i -> {
                if (i == 0) {
                    Thread.sleep(0, 50_000);
                    e.set();
                    return;
                }
                Duration timeout = Duration.ofNanos(20_000L * i);
                if (i % 2 == 0) {
                    try {
                        e.await(timeout);
                        released.incrementAndGet();
                    } catch (GuardTimeoutException expected) {
                        timedOut.incrementAndGet();
                    }
                } else {
                    try {
                        e.awaitAsync(timeout).get(30, TimeUnit.SECONDS);
                        released.incrementAndGet();
                    } catch (ExecutionException expected) {
                        assertThat(expected).hasCauseInstanceOf(GuardTimeoutException.class);
                        timedOut.incrementAndGet();
                    }
                }
            });
            assertThat(e.snapshot().waiting()).isZero();
        }
        assertThat(released.get() + timedOut.get()).isEqualTo(300 * 3);
        assertThat(listener.count(Outcome.ACQUIRED) + listener.count(Outcome.TIMEOUT)).isEqualTo(300 * 3);
    }

    /** Cancellations racing set(): each wait ends exactly once, either withdrawn or released, never both. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void cancellationsRacingSetEndEachWaitExactlyOnce(Threads.Flavor flavor) throws Exception {
        int rounds = 500;
        AtomicInteger withdrawn = new AtomicInteger();
        for (int round = 0; round < rounds; round++) {
            Event e = Event.create("cancel-race-" + round, listener);
            CompletableFuture<Void> waiting = e.awaitAsync(Threads.BOUND);
            AtomicReference<Boolean> cancelled = new AtomicReference<>();
            Threads.runConcurrently(flavor, 2, role -> {
                if (role == 0) {
                    cancelled.set(waiting.cancel(false));
                } else {
                    e.set();
                }
            });
            if (cancelled.get()) {
                assertThat(waiting).isCancelled();
                withdrawn.incrementAndGet();
            } else {
                assertThat(waiting).isCompletedWithValue(null);
            }
            assertThat(e.snapshot().waiting()).isZero();
        }
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(withdrawn.get());
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(rounds - withdrawn.get());
    }

    @Test
    void snapshotShowsWaitersAndWhetherSet() {
        CompletableFuture<Void> a = event.awaitAsync(Threads.BOUND);
        CompletableFuture<Void> b = event.awaitAsync(Threads.BOUND);
        Snapshot before = event.snapshot();
        assertThat(before.kind()).isEqualTo(Kind.EVENT);
        assertThat(before.waiting()).isEqualTo(2);
        assertThat(before.active()).isZero();
        assertThat(before.capacity()).isEqualTo(1);
        event.set();
        assertThat(a).isDone();
        assertThat(b).isDone();
        Snapshot after = event.snapshot();
        assertThat(after.waiting()).isZero();
        assertThat(after.active()).isEqualTo(1);
    }

    @Test
    void badInputIsRejectedClearly() {
        assertThatThrownBy(() -> Event.create(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> event.await(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThat(event.kind()).isEqualTo(Kind.EVENT);
    }
}
