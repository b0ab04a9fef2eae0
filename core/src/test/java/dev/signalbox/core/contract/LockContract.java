package dev.signalbox.core.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;
import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link Lock} promises, whatever backs it: mutual exclusion under real contention (blocking
 * and async holders), timed-out, interrupted and cancelled waits that hold and release nothing, FIFO
 * service of async waiters, try-once semantics, idempotent {@code close()}, ownership by thread for
 * blocking holds, the snapshot, and one reported outcome per wait. Ordering between the two
 * {@link dev.signalbox.core.Fairness} modes is not part of it (core's FairnessTest; a cluster lock
 * has no FIFO across instances).
 */
public abstract class LockContract extends PrimitiveContract {

    protected final RecordingListener listener = new RecordingListener();
    protected Lock lock;

    /** A new lock named {@code name} reporting to {@code listener}, free and with nobody waiting. */
    protected abstract Lock newLock(String name, PrimitiveListener listener);

    @BeforeEach
    public void createLock() {
        lock = newLock("accounts", listener);
    }

    @AfterEach
    public void lockIsFreeAndEveryWaitWasReported() {
        assertThat(lock.isLocked()).as("lock left held").isFalse();
        assertThat(lock.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(listener.waitsEnded()).as("every arrival ends its wait exactly once").isEqualTo(listener.arrivals());
        assertThat(listener.releases()).as("every acquisition released once").isEqualTo(listener.count(Outcome.ACQUIRED));
        assertThat(listener.negativeDurations()).isZero();
    }

    /** The seed's lost-update counter: read, yield, write; exact only under mutual exclusion. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void lostUpdateCounterEndsExactUnderTheLock(Threads.Flavor flavor) throws Exception {
        int[] counter = {0};
        int threads = 16;
        int iterations = iterations(2_000);
        Threads.runConcurrently(flavor, threads, i -> {
            for (int n = 0; n < iterations; n++) {
                try (Permit ignored = lock.acquire(BOUND)) {
                    int read = counter[0];
                    Thread.yield();
                    counter[0] = read + 1;
                }
            }
        });
        assertThat(counter[0]).isEqualTo(threads * iterations);
    }

    @Test
    public void asyncHoldersAlsoExcludeEachOther() throws Exception {
        int[] counter = {0};
        int holders = iterations(5_000);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < holders; i++) {
                all.add(lock.acquireAsync(BOUND).thenAcceptAsync(permit -> {
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
        assertThat(counter[0]).isEqualTo(holders);
    }

    /** The seed's TimedLock released a lock it never got; a timed-out caller here holds nothing to release. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void timedOutWaiterNeverReleasesTheHoldersLock(Threads.Flavor flavor) throws Exception {
        Permit holder = lock.acquire(BOUND);
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
        try (Permit next = tryAcquireNowOrSoon("free once the holder closed", lock::tryAcquire)) {
            assertThat(next).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void timeoutsRacingReleasesLoseNothing(Threads.Flavor flavor) throws Exception {
        int iterations = iterations(3_000);
        Threads.runConcurrently(flavor, 8, i -> {
            for (int n = 0; n < iterations; n++) {
                try (Permit ignored = lock.acquire(Duration.ofNanos((n % 50) * 1_000L))) {
                    Thread.onSpinWait();
                } catch (GuardTimeoutException expected) {
                    // holds nothing, so releases nothing
                }
            }
        });
        assertThat(listener.count(Outcome.ACQUIRED) + listener.count(Outcome.TIMEOUT) + listener.count(Outcome.REJECTED))
                .isEqualTo(8L * iterations);
    }

    /** A cancel racing a release on separate threads: the permit is either never granted or handed over, never lost. */
    @Test
    public void cancelledAsyncWaitersRacingGrantsLoseNothing() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            for (int n = 0; n < iterations(5_000); n++) {
                Permit holder = lock.acquire(BOUND);
                CompletableFuture<Permit> waiting = lock.acquireAsync(BOUND);
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
    public void interruptedWaiterHoldsNothing() throws Exception {
        Permit holder = lock.acquire(BOUND);
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                lock.acquire(BOUND).close();
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

    /** Async waiters have no thread to compete with: each release hands the lock to the first. */
    @Test
    public void asyncWaitersAreServedInArrivalOrder() throws Exception {
        int waiters = iterations(1_000);
        Permit holder = lock.acquire(BOUND);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            int index = i;
            all.add(lock.acquireAsync(BOUND).thenAccept(permit -> {
                order.add(index);
                permit.close();
            }));
        }
        holder.close();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(order).isSorted().hasSize(waiters);
    }

    @Test
    public void zeroTimeoutTriesOnceAndIsReportedAsRejected() throws Exception {
        try (Permit ignored = lock.acquire(BOUND)) {
            assertThatThrownBy(() -> lock.acquire(Duration.ZERO))
                    .isInstanceOf(GuardTimeoutException.class)
                    .hasMessageContaining("timeout 0");
            failedNowOrSoon("a zero-timeout async call fails", lock.acquireAsync(Duration.ZERO));
        }
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(2);
    }

    @Test
    public void ownerIsTheAcquiringThreadForBlockingHoldsOnly() throws Exception {
        try (Permit ignored = lock.acquire(BOUND)) {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            assertThat(lock.isLocked()).isTrue();
            Thread other = Thread.ofVirtual().start(() -> assertThat(lock.isHeldByCurrentThread()).isFalse());
            Threads.joinAll(List.of(other));
            boolean seenElsewhere = CompletableFuture.supplyAsync(lock::isHeldByCurrentThread).get(10, TimeUnit.SECONDS);
            assertThat(seenElsewhere).isFalse();
        }
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(lock.isLocked()).isFalse();
        try (Permit ignored = lock.acquireAsync(BOUND).get(30, TimeUnit.SECONDS)) {
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.isHeldByCurrentThread()).as("async holds belong to no thread").isFalse();
        }
    }

    /** A permit need not be closed by the thread that acquired it; closing it there hands the lock on. */
    @Test
    public void aPermitClosedOnAnotherThreadHandsTheLockToTheNextWaiter() throws Exception {
        Permit held = lock.acquire(BOUND);
        CompletableFuture<Permit> waiting = lock.acquireAsync(BOUND);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            other.submit(held::close).get(10, TimeUnit.SECONDS);
        } finally {
            other.shutdown();
        }
        assertThat(held.isHeld()).isFalse();
        try (Permit next = waiting.get(30, TimeUnit.SECONDS)) {
            assertThat(next.isHeld()).isTrue();
            assertThat(lock.isLocked()).isTrue();
        }
    }

    @Test
    public void secondCloseIsHarmless() throws Exception {
        Permit permit = lock.acquire(BOUND);
        permit.close();
        Permit next = lock.acquire(BOUND);
        permit.close();
        assertThat(lock.isLocked()).as("a stale close must not free the next holder's lock").isTrue();
        assertThat(next.isHeld()).isTrue();
        next.close();
    }

    @Test
    public void snapshotShowsTheHolderWhenInstrumented() throws Exception {
        try (Permit ignored = lock.acquire(BOUND)) {
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
    public void badArgumentsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> newLock(" ", PrimitiveListener.NONE)).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(-1))).hasMessageContaining("negative");
        assertThatThrownBy(() -> lock.acquire(null)).isInstanceOf(NullPointerException.class);
    }
}
