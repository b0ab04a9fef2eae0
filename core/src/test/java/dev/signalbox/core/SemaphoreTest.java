package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalbox.testing.Threads;
import dev.signalbox.testing.RecordingListener;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour common to both orderings; what differs between them is in {@link FairnessTest}. */
@ParameterizedClass
@EnumSource(Fairness.class)
class SemaphoreTest {

    private static final int PERMITS = 4;
    private final RecordingListener listener = new RecordingListener();
    private final Semaphore semaphore;

    SemaphoreTest(Fairness fairness) {
        this.semaphore = Semaphore.create("pdf-renderer", PERMITS, fairness, listener);
    }

    @AfterEach
    void permitsAreConservedAndNobodyIsLeftWaiting() {
        assertThat(semaphore.availablePermits()).as("permits conserved").isEqualTo(PERMITS);
        assertThat(semaphore.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(listener.waitsEnded()).isEqualTo(listener.arrivals());
        assertThat(listener.releases()).isEqualTo(listener.count(Outcome.ACQUIRED));
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void neverMoreHoldersThanPermits(Threads.Flavor flavor) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Threads.runConcurrently(flavor, 16, i -> {
            for (int n = 0; n < 1_000; n++) {
                int want = 1 + (i + n) % 2;
                try (Permit ignored = semaphore.acquire(want, Durations.FOREVER)) {
                    int now = inside.addAndGet(want);
                    maxInside.accumulateAndGet(now, Math::max);
                    assertThat(now).isLessThanOrEqualTo(PERMITS);
                    Thread.yield();
                    inside.addAndGet(-want);
                }
            }
        });
        assertThat(maxInside.get()).isLessThanOrEqualTo(PERMITS).isGreaterThan(1);
    }

    /** A request for several permits waits at the head and holds back the smaller queued requests behind it. */
    @Test
    void largeRequestAtTheHeadHoldsBackSmallerQueuedRequests() throws Exception {
        Permit two = semaphore.acquire(2, Durations.FOREVER);
        Permit one = semaphore.acquire(1, Durations.FOREVER);
        CompletableFuture<Permit> large = semaphore.acquireAsync(4, Durations.FOREVER);
        CompletableFuture<Permit> small = semaphore.acquireAsync(2, Durations.FOREVER);
        assertThat(large).isNotDone();
        assertThat(small).as("one permit free, two wanted").isNotDone();

        one.close();
        assertThat(small).as("two permits free now, but the large request queued first").isNotDone();
        two.close();
        Permit largePermit = large.get(30, TimeUnit.SECONDS);
        assertThat(small).isNotDone();
        largePermit.close();
        small.get(30, TimeUnit.SECONDS).close();
    }

    @Test
    void thousandsOfAsyncWaitersParkNoThreadAndAreGrantedInArrivalOrder() throws Exception {
        List<Permit> holders = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            holders.add(semaphore.acquire());
        }
        int threadsBefore = Thread.activeCount();
        List<Integer> grantOrder = new ArrayList<>();
        java.util.concurrent.BlockingQueue<Permit> granted = new java.util.concurrent.LinkedBlockingQueue<>();
        for (int i = 0; i < 20_000; i++) {
            int index = i;
            semaphore.acquireAsync().thenAccept(permit -> {
                grantOrder.add(index);
                granted.add(permit);
            });
        }
        assertThat(semaphore.snapshot().waiting()).isEqualTo(20_000);
        assertThat(Thread.activeCount()).as("no thread per waiter").isLessThan(threadsBefore + 5);
        // Releases happen one at a time on this thread, so grants (and the order list) are sequential.
        holders.forEach(Permit::close);
        for (int i = 0; i < 20_000; i++) {
            Permit next = granted.poll(30, TimeUnit.SECONDS);
            assertThat(next).as("grant %d never came", i).isNotNull();
            next.close();
        }
        assertThat(grantOrder).hasSize(20_000).isSorted();
    }

    /** A callback that releases at once grants the next waiter: 50,000 of them must not overflow the stack. */
    @Test
    void chainedReleasesInCallbacksDoNotGrowTheStack() throws Exception {
        List<Permit> holders = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            holders.add(semaphore.acquire());
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            all.add(semaphore.acquireAsync().thenAccept(Permit::close));
        }
        holders.forEach(Permit::close);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void asyncWaitersAreCompletedByASmallExecutor() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overflow = new AtomicInteger();
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                all.add(semaphore.acquireAsync().thenAcceptAsync(permit -> {
                    try (permit) {
                        if (inside.incrementAndGet() > PERMITS) {
                            overflow.incrementAndGet();
                        }
                        inside.decrementAndGet();
                    }
                }, executor));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(overflow.get()).isZero();
    }

    @Test
    void asyncTimeoutFailsTheFutureAndLeavesTheQueue() throws Exception {
        List<Permit> holders = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            holders.add(semaphore.acquire());
        }
        CompletableFuture<Permit> waiting = semaphore.acquireAsync(Duration.ofMillis(20));
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GuardTimeoutException.class);
        assertThat(semaphore.snapshot().waiting()).isZero();
        holders.forEach(Permit::close);
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void removingABlockedHeadLetsTheWaitersBehindItIn() throws Exception {
        Permit two = semaphore.acquire(2, Durations.FOREVER);
        Permit one = semaphore.acquire(1, Durations.FOREVER);
        CompletableFuture<Permit> large = semaphore.acquireAsync(4, Durations.FOREVER);
        CompletableFuture<Permit> small = semaphore.acquireAsync(2, Durations.FOREVER);
        one.close();
        assertThat(small).as("held back by the large request").isNotDone();
        large.cancel(false);
        small.get(30, TimeUnit.SECONDS).close();
        two.close();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void mixedTimeoutsCancellationsAndMultiPermitRequestsConservePermits(Threads.Flavor flavor) throws Exception {
        Threads.runConcurrently(flavor, 8, i -> {
            for (int n = 0; n < 1_500; n++) {
                int want = 1 + n % PERMITS;
                switch (n % 3) {
                    case 0 -> {
                        try (Permit ignored = semaphore.acquire(want, Duration.ofNanos(n % 20 * 5_000L))) {
                            Thread.onSpinWait();
                        } catch (GuardTimeoutException expected) {
                            // nothing held
                        }
                    }
                    case 1 -> {
                        CompletableFuture<Permit> f = semaphore.acquireAsync(want, Durations.FOREVER);
                        if (!f.cancel(false)) {
                            f.get(30, TimeUnit.SECONDS).close();
                        }
                    }
                    default -> {
                        Permit p = semaphore.tryAcquire(want);
                        if (p != null) {
                            p.close();
                        }
                    }
                }
            }
        });
    }

    @Test
    void requestsOutsideCapacityAreRejected() {
        assertThatThrownBy(() -> semaphore.acquire(5, Durations.FOREVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ask for 1 to 4");
        assertThatThrownBy(() -> Semaphore.create("x", 0)).hasMessageContaining("at least 1");
    }
}
