package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
class LockTest {

    private final RecordingListener listener = new RecordingListener();
    private final Lock lock;

    LockTest(Fairness fairness) {
        this.lock = Lock.create("accounts", fairness, listener);
    }

    @AfterEach
    void lockIsFreeAndEveryWaitWasReported() {
        assertThat(lock.isLocked()).as("lock left held").isFalse();
        assertThat(lock.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(listener.waitsEnded()).as("every arrival ends its wait exactly once").isEqualTo(listener.arrivals());
        assertThat(listener.releases()).as("every acquisition released once").isEqualTo(listener.count(Outcome.ACQUIRED));
        assertThat(listener.negativeDurations()).isZero();
    }

    /** The seed's lost-update counter: read, yield, write; exact only under mutual exclusion. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void lostUpdateCounterEndsExactUnderTheLock(Threads.Flavor flavor) throws Exception {
        int[] counter = {0};
        int threads = 16;
        int iterations = 2_000;
        Threads.runConcurrently(flavor, threads, i -> {
            for (int n = 0; n < iterations; n++) {
                try (Permit ignored = lock.acquire()) {
                    int read = counter[0];
                    Thread.yield();
                    counter[0] = read + 1;
                }
            }
        });
        assertThat(counter[0]).isEqualTo(threads * iterations);
    }

    @Test
    void asyncHoldersAlsoExcludeEachOther() throws Exception {
        int[] counter = {0};
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                all.add(lock.acquireAsync().thenAcceptAsync(permit -> {
                    try (permit) {
                        int read = counter[0];
                        Thread.yield();
                        counter[0] = read + 1;
                    }
                }, executor));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(counter[0]).isEqualTo(5_000);
    }

    /** The seed's TimedLock released a lock it never got; a timed-out caller here holds nothing to release. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timedOutWaiterNeverReleasesTheHoldersLock(Threads.Flavor flavor) throws Exception {
        Permit holder = lock.acquire();
        CountDownLatch timedOut = new CountDownLatch(1);
        Thread waiter = Threads.start(flavor, () -> {
            try {
                assertThatThrownBy(() -> lock.acquire(Duration.ofMillis(20)))
                        .isInstanceOf(GuardTimeoutException.class)
                        .hasMessageContaining("lock 'accounts'");
                timedOut.countDown();
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        });
        assertThat(timedOut.await(30, TimeUnit.SECONDS)).isTrue();
        Threads.joinAll(List.of(waiter));
        assertThat(holder.isHeld()).isTrue();
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.tryAcquire()).as("still held by the first holder").isNull();
        holder.close();
        try (Permit next = lock.tryAcquire()) {
            assertThat(next).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timeoutsRacingReleasesLoseNothing(Threads.Flavor flavor) throws Exception {
        Threads.runConcurrently(flavor, 8, i -> {
            for (int n = 0; n < 3_000; n++) {
                try (Permit ignored = lock.acquire(Duration.ofNanos((n % 50) * 1_000L))) {
                    Thread.onSpinWait();
                } catch (GuardTimeoutException expected) {
                    // holds nothing, so releases nothing
                }
            }
        });
        assertThat(listener.count(Outcome.ACQUIRED) + listener.count(Outcome.TIMEOUT) + listener.count(Outcome.REJECTED))
                .isEqualTo(8 * 3_000);
    }

    @Test
    void cancelledAsyncWaitersRacingGrantsLoseNothing() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            for (int n = 0; n < 5_000; n++) {
                Permit holder = lock.acquire();
                CompletableFuture<Permit> waiting = lock.acquireAsync();
                CountDownLatch go = new CountDownLatch(1);
                var release = executor.submit(() -> {
                    go.await();
                    holder.close();
                    return null;
                });
                var cancel = executor.submit(() -> {
                    go.await();
                    return waiting.cancel(false);
                });
                go.countDown();
                release.get(30, TimeUnit.SECONDS);
                boolean cancelled = cancel.get(30, TimeUnit.SECONDS);
                if (cancelled) {
                    assertThat(waiting).isCancelled();
                } else {
                    waiting.get(30, TimeUnit.SECONDS).close();
                }
                assertThat(lock.isLocked()).as("iteration %d: lock leaked", n).isFalse();
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(listener.count(Outcome.CANCELLED)).as("some races won by cancel").isPositive();
    }

    @Test
    void interruptedWaiterHoldsNothing() throws Exception {
        Permit holder = lock.acquire();
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                lock.acquire().close();
            } catch (InterruptedException expected) {
                interrupted.countDown();
            }
        });
        Threads.awaitTrue("waiter queued", () -> lock.snapshot().waiting() == 1);
        waiter.interrupt();
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lock.snapshot().waiting()).isZero();
        holder.close();
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
    }

    /** Async waiters have no thread to compete with: in either mode each release hands the lock to the first. */
    @Test
    void asyncWaitersAreServedInArrivalOrder() throws Exception {
        Permit holder = lock.acquire();
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int index = i;
            all.add(lock.acquireAsync().thenAccept(permit -> {
                order.add(index);
                permit.close();
            }));
        }
        holder.close();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(order).isSorted().hasSize(1_000);
    }

    @Test
    void zeroTimeoutTriesOnceAndIsReportedAsRejected() throws Exception {
        try (Permit ignored = lock.acquire()) {
            assertThatThrownBy(() -> lock.acquire(Duration.ZERO))
                    .isInstanceOf(GuardTimeoutException.class)
                    .hasMessageContaining("timeout 0");
            assertThat(lock.acquireAsync(Duration.ZERO)).isCompletedExceptionally();
        }
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(2);
    }

    @Test
    void ownerIsTheAcquiringThreadForBlockingHoldsOnly() throws Exception {
        try (Permit ignored = lock.acquire()) {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            Thread other = Thread.ofVirtual().start(() -> assertThat(lock.isHeldByCurrentThread()).isFalse());
            Threads.joinAll(List.of(other));
        }
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        try (Permit ignored = lock.acquireAsync().get(30, TimeUnit.SECONDS)) {
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.isHeldByCurrentThread()).as("async holds belong to no thread").isFalse();
        }
    }

    @Test
    void secondCloseIsHarmless() throws Exception {
        Permit permit = lock.acquire();
        permit.close();
        Permit next = lock.acquire();
        permit.close();
        assertThat(lock.isLocked()).as("a stale close must not free the next holder's lock").isTrue();
        assertThat(next.isHeld()).isTrue();
        next.close();
    }

    @Test
    void snapshotShowsTheHolderWhenInstrumented() throws Exception {
        try (Permit ignored = lock.acquire()) {
            Snapshot snapshot = lock.snapshot();
            assertThat(snapshot.kind()).isEqualTo(Kind.LOCK);
            assertThat(snapshot.active()).isEqualTo(1);
            assertThat(snapshot.capacity()).isEqualTo(1);
            assertThat(snapshot.holders()).singleElement()
                    .satisfies(h -> assertThat(h.description()).isEqualTo(Thread.currentThread().getName()));
        }
        assertThat(lock.snapshot().holders()).isEmpty();
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> Lock.create(" ")).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(-1))).hasMessageContaining("negative");
        assertThatThrownBy(() -> lock.acquire(null)).isInstanceOf(NullPointerException.class);
    }
}
