package dev.signalbox.core.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Semaphore;
import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link Semaphore} promises, whatever backs it: never more holders than permits under
 * real contention, permits conserved through timeouts, cancellations and multi-permit requests, a
 * large request at the head holding back smaller ones behind it, async waits that park no thread,
 * the snapshot, and one reported outcome per wait.
 */
public abstract class SemaphoreContract extends PrimitiveContract {

    protected static final int PERMITS = 4;
    protected final RecordingListener listener = new RecordingListener();
    protected Semaphore semaphore;

    /** A new semaphore named {@code name} with {@code permits} permits, reporting to {@code listener}, all free. */
    protected abstract Semaphore newSemaphore(String name, int permits, PrimitiveListener listener);

    @BeforeEach
    public void createSemaphore() {
        semaphore = newSemaphore("pdf-renderer", PERMITS, listener);
    }

    @AfterEach
    public void permitsAreConservedAndNobodyIsLeftWaiting() {
        assertThat(semaphore.availablePermits()).as("permits conserved").isEqualTo(PERMITS);
        assertThat(semaphore.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(listener.waitsEnded()).isEqualTo(listener.arrivals());
        assertThat(listener.releases()).isEqualTo(listener.count(Outcome.ACQUIRED));
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void neverMoreHoldersThanPermits(Threads.Flavor flavor) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        int iterations = iterations(1_000);
        Threads.runConcurrently(flavor, 16, i -> {
            for (int n = 0; n < iterations; n++) {
                int want = 1 + (i + n) % 2;
                try (Permit ignored = semaphore.acquire(want, BOUND)) {
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
    public void largeRequestAtTheHeadHoldsBackSmallerQueuedRequests() throws Exception {
        Permit two = semaphore.acquire(2, BOUND);
        Permit one = semaphore.acquire(1, BOUND);
        CompletableFuture<Permit> large = semaphore.acquireAsync(4, BOUND);
        CompletableFuture<Permit> small = semaphore.acquireAsync(2, BOUND);
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

    /** Async waits park no thread: thousands of them wait with the thread count unchanged, then all are granted. */
    @Test
    public void asyncWaitersParkNoThread() throws Exception {
        int waiters = iterations(5_000);
        List<Permit> holders = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            holders.add(semaphore.acquire(BOUND));
        }
        int threadsBefore = Thread.activeCount();
        BlockingQueue<Permit> granted = new LinkedBlockingQueue<>();
        for (int i = 0; i < waiters; i++) {
            semaphore.acquireAsync(BOUND).thenAccept(granted::add);
        }
        assertThat(semaphore.snapshot().waiting()).isEqualTo(waiters);
        assertThat(Thread.activeCount()).as("no thread per waiter").isLessThan(threadsBefore + 5);
        holders.forEach(Permit::close);
        for (int i = 0; i < waiters; i++) {
            Permit next = granted.poll(30, TimeUnit.SECONDS);
            assertThat(next).as("grant %d never came", i).isNotNull();
            next.close();
        }
    }

    @Test
    public void asyncWaitersAreCompletedByASmallExecutor() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overflow = new AtomicInteger();
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < iterations(10_000); i++) {
                all.add(semaphore.acquireAsync(BOUND).thenAcceptAsync(permit -> {
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
    public void asyncTimeoutFailsTheFutureAndLeavesTheQueue() throws Exception {
        List<Permit> holders = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            holders.add(semaphore.acquire(BOUND));
        }
        CompletableFuture<Permit> waiting = semaphore.acquireAsync(Duration.ofMillis(20));
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GuardTimeoutException.class);
        assertThat(semaphore.snapshot().waiting()).isZero();
        holders.forEach(Permit::close);
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
    }

    @Test
    public void removingABlockedHeadLetsTheWaitersBehindItIn() throws Exception {
        Permit two = semaphore.acquire(2, BOUND);
        Permit one = semaphore.acquire(1, BOUND);
        CompletableFuture<Permit> large = semaphore.acquireAsync(4, BOUND);
        CompletableFuture<Permit> small = semaphore.acquireAsync(2, BOUND);
        one.close();
        assertThat(small).as("held back by the large request").isNotDone();
        large.cancel(false);
        small.get(30, TimeUnit.SECONDS).close();
        two.close();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void mixedTimeoutsCancellationsAndMultiPermitRequestsConservePermits(Threads.Flavor flavor) throws Exception {
        int iterations = iterations(1_500);
        Threads.runConcurrently(flavor, 8, i -> {
            for (int n = 0; n < iterations; n++) {
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
                        CompletableFuture<Permit> f = semaphore.acquireAsync(want, BOUND);
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
    public void snapshotsCountHoldsAndWaiters() throws Exception {
        Semaphore a = newSemaphore("snap", 2, PrimitiveListener.NONE);
        try (Permit held = a.acquire(2, BOUND)) {
            CompletableFuture<Permit> waiting = a.acquireAsync(BOUND);
            assertThat(a.snapshot().active()).isEqualTo(2);
            assertThat(a.snapshot().waiting()).isEqualTo(1);
            assertThat(a.snapshot().capacity()).isEqualTo(2);
            assertThat(a.availablePermits()).isZero();
            assertThat(a.capacity()).isEqualTo(2);
            waiting.cancel(false);
        }
        assertThat(a.snapshot().waiting()).isZero();
        assertThat(a.availablePermits()).isEqualTo(2);
    }

    @Test
    public void tryAcquireTakesFreePermitsAndNeverWaits() throws Exception {
        try (Permit three = semaphore.tryAcquire(3)) {
            assertThat(three).isNotNull();
            assertThat(semaphore.availablePermits()).isEqualTo(1);
            assertThat(semaphore.tryAcquire(2)).as("one free, two wanted").isNull();
            try (Permit last = semaphore.tryAcquire()) {
                assertThat(last).isNotNull();
                assertThat(semaphore.tryAcquire()).isNull();
                assertThatThrownBy(() -> semaphore.acquire(1, Duration.ZERO))
                        .isInstanceOf(GuardTimeoutException.class)
                        .hasMessageContaining("timeout 0");
            }
        }
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(3);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
    }

    /** Local and cluster semaphores differ above: an unbounded local one lets a request wait for release(n) to add permits. */
    @Test
    public void requestsForNoPermitsAndNegativePermitsAreRejected() {
        assertThatThrownBy(() -> semaphore.acquire(0, BOUND))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot acquire 0 permits");
        assertThatThrownBy(() -> semaphore.tryAcquire(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot acquire -1 permits");
        assertThatThrownBy(() -> newSemaphore("x", -1, PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'").hasMessageContaining("was -1");
    }
}
