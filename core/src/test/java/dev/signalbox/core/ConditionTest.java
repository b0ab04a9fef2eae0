package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionTest {

    private final Lock lock = Lock.create("inventory");
    private final Condition notEmpty = lock.newCondition("not-empty");

    @AfterEach
    void lockFreeAndNoWaiterLeft() {
        assertThat(lock.isLocked()).isFalse();
        assertThat(notEmpty.snapshot().waiting()).isZero();
        assertThat(lock.snapshot().waiting()).isZero();
    }

    /** A bounded buffer's consumers wait on the condition; every item is consumed exactly once. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void producersAndConsumersHandOverEveryItemExactlyOnce(Threads.Flavor flavor) throws Exception {
        ArrayDeque<Integer> items = new ArrayDeque<>();
        int producers = 4;
        int perProducer = 2_000;
        long[] consumedSum = {0};
        int[] consumedCount = {0};
        Threads.runConcurrently(flavor, producers * 2, i -> {
            if (i < producers) {
                for (int n = 0; n < perProducer; n++) {
                    try (Permit ignored = lock.acquire()) {
                        items.add(n);
                        notEmpty.signal();
                    }
                }
            } else {
                for (int n = 0; n < perProducer; n++) {
                    try (Permit held = lock.acquire()) {
                        assertThat(notEmpty.waitFor(held, () -> !items.isEmpty(), Threads.BOUND)).isTrue();
                        assertThat(lock.isHeldByCurrentThread()).isTrue();
                        consumedSum[0] += items.poll();
                        consumedCount[0]++;
                    }
                }
            }
        });
        assertThat(consumedCount[0]).isEqualTo(producers * perProducer);
        assertThat(consumedSum[0]).isEqualTo((long) producers * perProducer * (perProducer - 1) / 2);
        assertThat(items).isEmpty();
    }

    @Test
    void timedOutWaitReturnsFalseWithTheLockHeldAgain() throws Exception {
        try (Permit held = lock.acquire()) {
            assertThat(notEmpty.await(held, Duration.ofMillis(10))).isFalse();
            assertThat(held.isHeld()).isTrue();
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        }
    }

    @Test
    void interruptedWaitThrowsWithTheLockHeldAgain() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try (Permit held = lock.acquire()) {
                assertThatThrownBy(() -> notEmpty.await(held)).isInstanceOf(InterruptedException.class);
                assertThat(lock.isHeldByCurrentThread()).isTrue();
                done.countDown();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Threads.awaitTrue("waiter parked on the condition", () -> notEmpty.snapshot().waiting() == 1);
        waiter.interrupt();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        Threads.joinAll(List.of(waiter));
    }

    @Test
    void signalWakesWaitersInOrderOfArrivalAndSignalAllWakesEveryone() throws Exception {
        // Signalled waiters re-acquire the lock like any caller, so the signal order shows one signal at a time.
        Lock fifo = Lock.create("inventory-fifo", Fairness.FIFO, PrimitiveListener.NONE);
        Condition ready = fifo.newCondition("ready");
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int index = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Permit held = fifo.acquire()) {
                    ready.await(held);
                    order.add(index);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
            Threads.awaitTrue("waiter " + i + " queued", () -> ready.snapshot().waiting() == index + 1);
        }
        for (int i = 0; i < 5; i++) {
            try (Permit ignored = fifo.acquire()) {
                ready.signal();
            }
            int woken = i + 1;
            Threads.awaitTrue("signalled waiter " + i + " done", () -> order.size() == woken);
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
        try (Permit ignored = fifo.acquire()) {
            ready.signalAll();
        }
        Threads.joinAll(threads);
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(ready.snapshot().waiting()).isZero();
    }

    /** asyncio's notify(n): exactly the n longest-waiting waiters wake, in the order they began waiting. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void signalNWakesTheNLongestWaitingWaiters(Threads.Flavor flavor) throws Exception {
        Lock fifo = Lock.create("inventory-n", Fairness.FIFO, PrimitiveListener.NONE);
        Condition ready = fifo.newCondition("ready-n");
        List<Integer> woken = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> blocking = new ArrayList<>();
        List<CompletableFuture<Boolean>> async = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int index = i;
            if (i % 2 == 0) {
                blocking.add(Threads.start(flavor, () -> {
                    try (Permit held = fifo.acquire()) {
                        if (ready.await(held, Duration.ofSeconds(30))) {
                            woken.add(index);
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            } else {
                try (Permit held = fifo.acquire()) {
                    async.add(ready.awaitAsync(held, Duration.ofSeconds(30)).whenComplete((signalled, error) -> {
                        if (Boolean.TRUE.equals(signalled)) {
                            woken.add(index);
                        }
                    }));
                }
            }
            Threads.awaitTrue("waiter " + i + " queued", () -> ready.snapshot().waiting() == index + 1);
        }
        try (Permit ignored = fifo.acquire()) {
            ready.signal(0);
            assertThat(ready.snapshot().waiting()).as("signal(0) wakes nobody").isEqualTo(6);
            ready.signal(4);
        }
        Threads.awaitTrue("four woken", () -> woken.size() == 4);
        assertThat(woken).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(ready.snapshot().waiting()).isEqualTo(2);
        try (Permit ignored = fifo.acquire()) {
            ready.signal(10); // more than wait: everyone
        }
        Threads.joinAll(blocking);
        for (CompletableFuture<Boolean> future : async) {
            assertThat(future.get(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(woken).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void signalOfANegativeNumberIsAnError() throws Exception {
        try (Permit ignored = lock.acquire()) {
            assertThatThrownBy(() -> notEmpty.signal(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("condition 'not-empty'").hasMessageContaining("was -1");
        }
        assertThatThrownBy(() -> notEmpty.signal(2)).isInstanceOf(IllegalStateException.class);
    }

    /** One rule for both forms: the permit is checked before the predicate, even when it is already true. */
    @Test
    void waitForWithAPermitNotHeldIsAnErrorEvenWhenThePredicateHolds() throws Exception {
        Permit released = lock.acquire();
        released.close();
        assertThatThrownBy(() -> notEmpty.waitFor(released, () -> true, Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> notEmpty.waitForAsync(released, () -> true, Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
        Lock other = Lock.create("other");
        try (Permit foreign = other.acquire()) {
            assertThatThrownBy(() -> notEmpty.waitFor(foreign, () -> true, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> notEmpty.waitForAsync(foreign, () -> true, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void signallingWithoutTheLockIsAnError() {
        assertThatThrownBy(notEmpty::signal).isInstanceOf(IllegalStateException.class).hasMessageContaining("holding lock 'inventory'");
    }

    @Test
    void waitingWithAForeignOrReleasedPermitIsAnError() throws Exception {
        Lock other = Lock.create("other");
        try (Permit foreign = other.acquire()) {
            assertThatThrownBy(() -> notEmpty.await(foreign, Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        }
        Permit released = lock.acquire();
        released.close();
        assertThatThrownBy(() -> notEmpty.await(released, Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void asyncWaitCompletesWithTheLockHeldAgainAndParksNoThread() throws Exception {
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        List<Permit> permits = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Permit held = lock.acquireAsync().get(30, TimeUnit.SECONDS);
            permits.add(held);
            waits.add(notEmpty.awaitAsync(held, Durations.FOREVER));
        }
        assertThat(notEmpty.snapshot().waiting()).isEqualTo(1_000);
        try (Permit ignored = lock.acquire()) {
            notEmpty.signalAll();
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(waits.get(i).get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(permits.get(i).isHeld()).isTrue();
            assertThat(lock.isLocked()).isTrue();
            permits.get(i).close();
        }
    }

    @Test
    void cancelledAsyncWaitReacquiresTheLockAndAnEarlyCloseIsSafe() throws Exception {
        Permit held = lock.acquire();
        CompletableFuture<Boolean> wait = notEmpty.awaitAsync(held, Durations.FOREVER);
        Permit other = lock.acquire(Duration.ofSeconds(30));
        assertThat(wait.cancel(false)).isTrue();
        held.close(); // the lock is not yet re-acquired for it: this close takes effect once it is
        assertThat(lock.isLocked()).as("the other holder still holds it").isTrue();
        other.close();
        Threads.awaitTrue("suspended permit re-acquired and released", () -> !lock.isLocked());
        try (Permit again = lock.acquire(Duration.ofSeconds(30))) {
            assertThat(again.isHeld()).isTrue();
        }
    }

    @Test
    void asyncWaitForTimesOutWithFalse() throws Exception {
        try (Permit held = lock.acquire()) {
            assertThat(notEmpty.waitForAsync(held, () -> false, Duration.ofMillis(10)).get(30, TimeUnit.SECONDS)).isFalse();
            assertThat(held.isHeld()).isTrue();
        }
    }
}
