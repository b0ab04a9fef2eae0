package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the two orderings of {@link Fairness} differ: who may take a free permit while others wait.
 * Every assertion is about order (who gets the permit), never about how long anything took. Where a
 * waiter must have starved, the test first sleeps past {@link Fairness#STARVATION_THRESHOLD} (the
 * monotonic clock guarantees it then has); where it must not have, the primitive is built with a
 * threshold that is never reached.
 */
@Timeout(60)
class FairnessTest {

    /** A starvation threshold that is never reached: barging that never turns to hand-off. */
    private static final long NEVER = Long.MAX_VALUE;

    // ---- FIFO ----

    @Test
    void fifoTryAcquireNeverOvertakesAQueuedRequest() throws Exception {
        Semaphore semaphore = Semaphore.create("fifo", 4, Fairness.FIFO, PrimitiveListener.NONE);
        Permit held = semaphore.acquire(3, Durations.FOREVER);
        CompletableFuture<Permit> large = semaphore.acquireAsync(4, Durations.FOREVER);
        assertThat(semaphore.tryAcquire()).as("one permit is free, but taking it would overtake the large request").isNull();
        CompletableFuture<Permit> small = semaphore.acquireAsync(1, Durations.FOREVER);
        assertThat(small).as("queued behind the large request").isNotDone();

        held.close();
        large.get(30, TimeUnit.SECONDS).close();
        small.get(30, TimeUnit.SECONDS).close();
        assertThat(semaphore.availablePermits()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void fifoLockPassesFromTheHolderToTheWaitingThreadBeforeTheHolderCanRetakeIt(Threads.Flavor flavor) throws Exception {
        Lock lock = Lock.create("fifo", Fairness.FIFO, PrimitiveListener.NONE);
        Permit holder = lock.acquire();
        WaitingThread waiter = WaitingThread.start(flavor, lock);
        Threads.awaitTrue("waiter queued", () -> lock.snapshot().waiting() == 1);

        holder.close();
        assertThat(lock.tryAcquire()).as("the lock went to the waiter, not back to the pool").isNull();
        waiter.releaseAndJoin();
        assertThat(lock.isLocked()).isFalse();
    }

    // ---- BARGING: overtaking while nobody starves ----

    @Test
    void bargingLetsARunningCallerTakeFreePermitsAheadOfAWaiterThatHasNotStarved() throws Exception {
        Semaphore semaphore = new LocalSemaphore("barging", 2, NEVER, PrimitiveListener.NONE);
        Permit first = semaphore.acquire();
        Permit second = semaphore.acquire();
        CompletableFuture<Permit> large = semaphore.acquireAsync(2, Durations.FOREVER);
        first.close();

        Permit barger = semaphore.tryAcquire();
        assertThat(barger).as("one permit free and no hand-off: a newcomer may take it ahead of the queued request").isNotNull();
        assertThat(large).isNotDone();
        barger.close();
        second.close();
        large.get(30, TimeUnit.SECONDS).close();
        assertThat(semaphore.availablePermits()).isEqualTo(2);
    }

    @Test
    void factoriesWithoutAFairnessBargeWithTheDocumentedThreshold() {
        long threshold = Fairness.STARVATION_THRESHOLD.toNanos();
        assertThat(threshold).isEqualTo(Duration.ofMillis(1).toNanos());
        assertThat(((LocalLock) Lock.create("default")).sync.handOffAfterNanos()).isEqualTo(threshold);
        assertThat(((LocalLock) Lock.create("default", PrimitiveListener.NONE)).sync.handOffAfterNanos()).isEqualTo(threshold);
        assertThat(((LocalSemaphore) Semaphore.create("default", 2)).sync.handOffAfterNanos()).isEqualTo(threshold);
        assertThat(((LocalSemaphore) Semaphore.create("default", 2, PrimitiveListener.NONE)).sync.handOffAfterNanos()).isEqualTo(threshold);
        assertThat(((LocalLock) Lock.create("fifo", Fairness.FIFO, PrimitiveListener.NONE)).sync.handOffAfterNanos()).isZero();
    }

    // ---- BARGING: hand-off once the head starves ----

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void bargingLockPassesDirectlyToAWaiterThatWaitedPastTheThreshold(Threads.Flavor flavor) throws Exception {
        Lock lock = Lock.create("barging");
        Permit holder = lock.acquire();
        WaitingThread waiter = WaitingThread.start(flavor, lock);
        Threads.awaitTrue("waiter queued", () -> lock.snapshot().waiting() == 1);
        sleepPastTheThreshold();

        holder.close();
        assertThat(lock.tryAcquire()).as("the starved waiter was handed the lock; nobody may barge in").isNull();
        waiter.releaseAndJoin();
        try (Permit again = lock.tryAcquire()) {
            assertThat(again).as("the queue is empty: hand-off is over").isNotNull();
        }
    }

    @Test
    void starvedLargeRequestStopsNewcomersTakingFreePermits() throws Exception {
        Semaphore semaphore = Semaphore.create("barging", 2);
        Permit first = semaphore.acquire();
        Permit second = semaphore.acquire();
        CompletableFuture<Permit> large = semaphore.acquireAsync(2, Durations.FOREVER);
        sleepPastTheThreshold();

        first.close();
        assertThat(semaphore.availablePermits()).isEqualTo(1);
        assertThat(semaphore.tryAcquire()).as("a permit is free, but the large request has starved").isNull();
        second.close();
        Permit largePermit = large.get(30, TimeUnit.SECONDS);
        assertThat(semaphore.tryAcquire()).isNull();
        largePermit.close();
        try (Permit again = semaphore.tryAcquire(2)) {
            assertThat(again).as("the queue is empty: hand-off is over").isNotNull();
        }
    }

    /**
     * A barger that always holds a permit (it takes a free one before giving back its own) would
     * starve a request for both permits forever if barging were unbounded: there is never more than
     * one permit free. Hand-off is the only way the request gets served, so this test hangs (and
     * fails at its timeout) without it.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void requestForEveryPermitIsServedWhileABargerAlwaysHoldsOne(Threads.Flavor flavor) throws Exception {
        Semaphore semaphore = Semaphore.create("barging", 2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overflow = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Permit start = semaphore.acquire();
        Thread barger = Threads.start(flavor, () -> {
            try {
                Permit current = start;
                while (!stop.get()) {
                    Permit next = semaphore.tryAcquire();
                    current.close();
                    current = next != null ? next : semaphore.acquire();
                }
                current.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Thread victim = Threads.start(flavor, () -> {
            try (Permit both = semaphore.acquire(2, Threads.BOUND)) {
                if (inside.addAndGet(2) > 2) {
                    overflow.incrementAndGet();
                }
                inside.addAndGet(-2);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                stop.set(true);
            }
        });
        Threads.joinAll(List.of(victim, barger));
        assertThat(failure.get()).as("the request for both permits was served within the bound").isNull();
        assertThat(overflow.get()).isZero();
        assertThat(semaphore.availablePermits()).isEqualTo(2);
        assertThat(semaphore.snapshot().waiting()).isZero();
    }

    @Test
    void asyncRequestForEveryPermitIsServedWhileABargerAlwaysHoldsOne() throws Exception {
        Semaphore semaphore = Semaphore.create("barging", 2);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Permit start = semaphore.acquire();
        Thread barger = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                Permit current = start;
                while (!stop.get()) {
                    Permit next = semaphore.tryAcquire();
                    current.close();
                    current = next != null ? next : semaphore.acquire();
                }
                current.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        CompletableFuture<Permit> both = semaphore.acquireAsync(2, Durations.FOREVER);
        try {
            both.get(30, TimeUnit.SECONDS).close();
        } finally {
            stop.set(true);
            Threads.joinAll(List.of(barger));
        }
        assertThat(failure.get()).isNull();
        assertThat(semaphore.availablePermits()).isEqualTo(2);
    }

    /**
     * The engine with a test clock: a hand-off serves the waiters queued when it began, then
     * barging resumes and the waiters' starvation count restarts, even for a waiter that queued
     * during the hand-off and has by now waited longer than the threshold (Go would keep handing
     * off to it; with more threads than cores that never ends).
     */
    @Test
    void handOffServesTheWaitersQueuedWhenItBeganThenBargingResumes() {
        AtomicLong now = new AtomicLong();
        PermitSync sync = new PermitSync(2, 10, now::get);
        assertThat(sync.tryAcquire(2)).isTrue();
        AsyncWaiter<Void, Void> first = EngineWaiters.async(sync, 2);
        assertThat(sync.waiters().enqueue(first)).isFalse();

        now.set(10); // the first waiter has starved
        sync.release(1);
        assertThat(sync.tryAcquire(1)).as("hand-off began: a free permit is kept for the queue").isFalse();
        AsyncWaiter<Void, Void> second = EngineWaiters.async(sync, 2);
        assertThat(sync.waiters().enqueue(second)).isFalse(); // queued as the hand-off began: it belongs to it
        now.set(11);
        AsyncWaiter<Void, Void> late = EngineWaiters.async(sync, 2);
        assertThat(sync.waiters().enqueue(late)).isFalse(); // queued during the hand-off

        sync.release(1);
        assertThat(first.isGranted()).isTrue();
        now.set(25); // the late waiter has now waited 14 ticks, more than the threshold
        sync.release(2);
        assertThat(second.isGranted()).as("the last waiter of the hand-off").isTrue();
        sync.release(1);
        assertThat(late.isGranted()).isFalse();
        assertThat(sync.tryAcquire(1)).as("barging resumed: the late waiter's count restarted when the hand-off ended").isTrue();

        now.set(35); // ten ticks of barging later, the late waiter starves
        sync.release(1);
        assertThat(sync.tryAcquire(1)).as("a new hand-off for the late waiter").isFalse();
        sync.release(1);
        assertThat(late.isGranted()).isTrue();
        sync.release(2);
        assertThat(sync.available()).isEqualTo(2);
        assertThat(sync.tryAcquire(1)).as("queue empty: barging again").isTrue();
    }

    // ---- BARGING: nothing lost under load ----

    /**
     * Platform and virtual threads together, every way of waiting (blocking with and without
     * timeout, async with cancellation, try), single and multi-permit requests, with a short and
     * the default starvation threshold so hand-off turns on and off all the time. Invariants: never
     * more permits held than exist, every permit back at the end, nobody left queued, every wait
     * reported once.
     */
    @ParameterizedTest
    @ValueSource(longs = {10_000L, 1_000_000L})
    void manyThreadsMixingEveryKindOfWaitLoseNoPermit(long handOffAfterNanos) throws Exception {
        final int iterations = 2_000;
        int permits = 3;
        RecordingListener listener = new RecordingListener();
        Semaphore semaphore = new LocalSemaphore("mixed", permits, handOffAfterNanos, listener);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overflow = new AtomicInteger();
        int threads = 12;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread.Builder builder = i % 2 == 0 ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
            all.add(builder.start(() -> {
                try {
                    start.await();
                    for (int n = 0; n < iterations; n++) {
                        int want = (index + n) % 5 == 0 ? 2 : 1;
                        Permit permit = switch ((index + n) % 4) {
                            case 0 -> semaphore.acquire(want, Durations.FOREVER);
                            case 1 -> acquireOrNull(semaphore, want, Duration.ofNanos((n % 10) * 20_000L));
                            case 2 -> {
                                CompletableFuture<Permit> f = semaphore.acquireAsync(want, Durations.FOREVER);
                                yield n % 3 == 0 && f.cancel(false) ? null : f.get(30, TimeUnit.SECONDS);
                            }
                            default -> semaphore.tryAcquire(want);
                        };
                        if (permit != null) {
                            try (permit) {
                                if (inside.addAndGet(want) > permits) {
                                    overflow.incrementAndGet();
                                }
                                Thread.yield();
                                inside.addAndGet(-want);
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        start.countDown();
        Threads.joinAll(all);
        assertThat(failure.get()).isNull();
        assertThat(overflow.get()).as("more permits held than exist").isZero();
        assertThat(semaphore.availablePermits()).as("permits conserved").isEqualTo(permits);
        assertThat(semaphore.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(listener.waitsEnded()).isEqualTo(listener.arrivals()).isEqualTo(threads * (long) iterations);
        assertThat(listener.releases()).isEqualTo(listener.count(Outcome.ACQUIRED));
        assertThat(listener.count(Outcome.CANCELLED) + listener.count(Outcome.TIMEOUT))
                .as("callers really queued: some gave up waiting").isPositive();
    }

    private static Permit acquireOrNull(Semaphore semaphore, int want, Duration timeout) throws InterruptedException {
        try {
            return semaphore.acquire(want, timeout);
        } catch (GuardTimeoutException expected) {
            return null;
        }
    }

    private static void sleepPastTheThreshold() throws InterruptedException {
        Thread.sleep(Fairness.STARVATION_THRESHOLD.multipliedBy(3));
    }

    /** A thread that acquires a lock (waiting as long as it takes), holds it until told, then releases it. */
    private record WaitingThread(Thread thread, CountDownLatch acquired, CountDownLatch release) {

        static WaitingThread start(Threads.Flavor flavor, Lock lock) {
            CountDownLatch acquired = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread thread = Threads.start(flavor, () -> {
                try (Permit ignored = lock.acquire(Threads.BOUND)) {
                    acquired.countDown();
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return new WaitingThread(thread, acquired, release);
        }

        void releaseAndJoin() throws InterruptedException {
            assertThat(acquired.await(30, TimeUnit.SECONDS)).as("the waiter got the lock").isTrue();
            release.countDown();
            Threads.joinAll(List.of(thread));
        }
    }
}
