package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedQueueTest {

    private static final long BOUND_SECONDS = Threads.BOUND.toSeconds();

    // ---------------------------------------------------------------- basics

    @Test
    void rejectsCapacityBelowOneNamingTheQueue() {
        assertThatThrownBy(() -> BoundedQueue.create("jobs", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jobs").hasMessageContaining("at least 1").hasMessageContaining("was 0");
    }

    @Test
    void rejectsNullItemsInEveryPutForm() {
        BoundedQueue<String> queue = BoundedQueue.create("q", 2);
        assertThatThrownBy(() -> queue.put(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("'q'");
        assertThatThrownBy(() -> queue.offer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.putAsync(null, Durations.FOREVER)).isInstanceOf(NullPointerException.class);
        assertThat(queue.size()).isZero();
        assertThat(queue.unfinishedTasks()).isZero();
    }

    @Test
    void itemsLeaveInTheOrderTheyEntered() throws InterruptedException {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 4);
        queue.put(1);
        assertThat(queue.offer(2)).isTrue();
        queue.putAsync(3, Durations.FOREVER).join();
        queue.put(4, Duration.ZERO);
        assertThat(queue.offer(5)).isFalse();
        assertThat(queue.size()).isEqualTo(4);
        assertThat(queue.take()).isEqualTo(1);
        assertThat(queue.poll()).isEqualTo(2);
        assertThat(queue.takeAsync(Duration.ZERO).join()).isEqualTo(3);
        assertThat(queue.take(Duration.ZERO)).isEqualTo(4);
        assertThat(queue.poll()).isNull();
        assertThat(queue.unfinishedTasks()).isEqualTo(4);
    }

    @Test
    void zeroTimeoutFailsAtOnceAndChangesNothing() {
        RecordingListener listener = new RecordingListener();
        BoundedQueue<String> queue = BoundedQueue.create("q", 1, listener);
        assertThatThrownBy(() -> queue.take(Duration.ZERO)).isInstanceOf(GuardTimeoutException.class)
                .hasMessageContaining("queue 'q'");
        assertThat(queue.takeAsync(Duration.ZERO)).isCompletedExceptionally();
        assertThat(queue.offer("a")).isTrue();
        assertThatThrownBy(() -> queue.put("b", Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
        assertThatThrownBy(() -> queue.putAsync("b", Duration.ZERO).join()).hasCauseInstanceOf(GuardTimeoutException.class);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.unfinishedTasks()).isEqualTo(1);
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(4);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timedOutOrInterruptedPutLeavesItsItemOut(Threads.Flavor flavor) throws Exception {
        RecordingListener listener = new RecordingListener();
        BoundedQueue<String> queue = BoundedQueue.create("q", 1, listener);
        queue.put("kept");
        assertThatThrownBy(() -> queue.put("late", Duration.ofMillis(20))).isInstanceOf(GuardTimeoutException.class);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread putter = Threads.start(flavor, () -> {
            try {
                queue.put("interrupted");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Threads.awaitTrue("putter waiting", () -> queue.snapshot().waiting() == 1);
        putter.interrupt();
        Threads.joinAll(List.of(putter));
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        CompletableFuture<Void> asyncPut = queue.putAsync("async-late", Duration.ofMillis(20));
        assertThatThrownBy(() -> asyncPut.get(BOUND_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(GuardTimeoutException.class);

        assertThat(queue.poll()).isEqualTo("kept");
        assertThat(queue.poll()).isNull();
        assertThat(queue.unfinishedTasks()).isEqualTo(1);
        assertThat(queue.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(2);
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void putterWaitsWhileFullAndIsReleasedByATake(Threads.Flavor flavor) throws Exception {
        BoundedQueue<String> queue = BoundedQueue.create("q", 2);
        queue.put("a");
        queue.put("b");
        CountDownLatch putReturned = new CountDownLatch(1);
        Thread putter = Threads.start(flavor, () -> {
            try {
                queue.put("c");
                putReturned.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Threads.awaitTrue("putter waiting", () -> queue.snapshot().waiting() == 1);
        assertThat(putReturned.getCount()).isEqualTo(1);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.snapshot()).extracting(Snapshot::active, Snapshot::capacity).containsExactly(2, 2);

        assertThat(queue.take()).isEqualTo("a");
        assertThat(putReturned.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        Threads.joinAll(List.of(putter));
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.poll()).isEqualTo("c");
        assertThat(queue.unfinishedTasks()).isEqualTo(3);
    }

    @Test
    void waitingPuttersAreAdmittedInArrivalOrder() {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 1);
        queue.offer(0);
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            puts.add(queue.putAsync(i, Durations.FOREVER));
        }
        assertThat(queue.offer(999)).as("a newcomer never overtakes waiting putters").isFalse();
        for (int i = 0; i <= 100; i++) {
            assertThat(queue.poll()).isEqualTo(i);
        }
        assertThat(puts).allMatch(CompletableFuture::isDone);
        assertThat(queue.poll()).isNull();
    }

    @Test
    void waitingTakersAreServedInArrivalOrder() {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 1);
        List<CompletableFuture<Integer>> takes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            takes.add(queue.takeAsync(Durations.FOREVER));
        }
        assertThat(queue.snapshot().waiting()).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            assertThat(queue.offer(i)).as("handed to a waiting taker, never queued").isTrue();
            assertThat(queue.size()).isZero();
        }
        for (int i = 0; i < 100; i++) {
            assertThat(takes.get(i).join()).isEqualTo(i);
        }
        assertThat(queue.snapshot().waiting()).isZero();
    }

    // ---------------------------------------------------------------- taskDone / join

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void joinReturnsOnlyAfterEveryItemIsMarkedDone(Threads.Flavor flavor) throws Exception {
        BoundedQueue<String> queue = BoundedQueue.create("q", 4);
        queue.put("a");
        queue.put("b");
        queue.put("c");
        CountDownLatch joined = new CountDownLatch(1);
        Thread joiner = Threads.start(flavor, () -> {
            try {
                queue.join();
                joined.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Void> asyncJoin = queue.joinAsync(Durations.FOREVER);
        Threads.awaitTrue("joiner parked", () -> joiner.getState() == Thread.State.WAITING);
        for (int i = 0; i < 3; i++) {
            queue.take();
            assertThat(joined.getCount()).as("join returned with %d tasks unfinished", 3 - i).isEqualTo(1);
            assertThat(asyncJoin).isNotDone();
            queue.taskDone();
        }
        assertThat(joined.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        asyncJoin.get(BOUND_SECONDS, TimeUnit.SECONDS);
        Threads.joinAll(List.of(joiner));
        assertThat(queue.unfinishedTasks()).isZero();
        queue.join(Duration.ZERO);
    }

    @Test
    void taskDoneMoreTimesThanItemsPutFailsAndChangesNothing() throws InterruptedException {
        BoundedQueue<String> queue = BoundedQueue.create("q", 4);
        assertThatThrownBy(queue::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'q'").hasMessageContaining("more times");
        queue.put("a");
        queue.taskDone();
        assertThatThrownBy(queue::taskDone).isInstanceOf(IllegalStateException.class);
        assertThat(queue.unfinishedTasks()).isZero();
    }

    @Test
    void joinTimesOutWhileTasksRemainAndCancelledJoinLeavesNothingBehind() {
        BoundedQueue<String> queue = BoundedQueue.create("q", 4);
        queue.offer("a");
        assertThatThrownBy(() -> queue.join(Duration.ofMillis(20))).isInstanceOf(GuardTimeoutException.class);
        assertThatThrownBy(() -> queue.joinAsync(Duration.ofMillis(20)).get(BOUND_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GuardTimeoutException.class);
        CompletableFuture<Void> cancelled = queue.joinAsync(Durations.FOREVER);
        assertThat(cancelled.cancel(false)).isTrue();
        CompletableFuture<Void> kept = queue.joinAsync(Durations.FOREVER);
        queue.poll();
        queue.taskDone();
        assertThat(kept).isCompleted();
        assertThat(cancelled).isCancelled();
    }

    // ---------------------------------------------------------------- many threads

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void producersAndConsumersReceiveEveryItemExactlyOnceInProducerOrder(Threads.Flavor flavor) throws Exception {
        int producers = 8;
        int consumers = 8;
        int perProducer = 20_000;
        int total = producers * perProducer;
        RecordingListener listener = new RecordingListener();
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 16, listener);
        int[][] received = new int[consumers][total / consumers];

        Threads.runConcurrently(flavor, producers + consumers, index -> {
            if (index < producers) {
                for (int seq = 0; seq < perProducer; seq++) {
                    int item = index * perProducer + seq;
                    switch (seq % 3) {
                        case 0 -> queue.put(item);
                        case 1 -> queue.put(item, Threads.BOUND);
                        default -> queue.putAsync(item, Threads.BOUND).get(BOUND_SECONDS, TimeUnit.SECONDS);
                    }
                }
            } else {
                int consumer = index - producers;
                int[] mine = received[consumer];
                for (int n = 0; n < mine.length; n++) {
                    mine[n] = n % 2 == 0 ? queue.take() : queue.take(Threads.BOUND);
                    queue.taskDone();
                }
            }
        });

        BitSet seen = new BitSet(total);
        for (int[] mine : received) {
            int[] lastSeqOfProducer = new int[producers];
            java.util.Arrays.fill(lastSeqOfProducer, -1);
            for (int item : mine) {
                assertThat(seen.get(item)).as("item %d received twice", item).isFalse();
                seen.set(item);
                int producer = item / perProducer;
                int seq = item % perProducer;
                assertThat(seq).as("producer %d's items out of order", producer).isGreaterThan(lastSeqOfProducer[producer]);
                lastSeqOfProducer[producer] = seq;
            }
        }
        assertThat(seen.cardinality()).isEqualTo(total);
        assertThat(queue.size()).isZero();
        assertThat(queue.unfinishedTasks()).isZero();
        assertThat(queue.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2L * total);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
        assertThat(listener.negativeDurations()).isZero();
    }

    @Test
    void thousandsOfPendingAsyncTakersAreServedByTwoThreadsWithNoItemLost() throws Exception {
        int takers = 5_000;
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 8);
        List<CompletableFuture<Integer>> takes = new ArrayList<>(takers);
        for (int i = 0; i < takers; i++) {
            takes.add(queue.takeAsync(Durations.FOREVER));
        }
        assertThat(queue.snapshot().waiting()).isEqualTo(takers);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int first = p * (takers / 2);
                producers.add(CompletableFuture.runAsync(() -> {
                    for (int i = first; i < first + takers / 2; i++) {
                        try {
                            queue.put(i);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, executor));
            }
            CompletableFuture.allOf(producers.toArray(CompletableFuture[]::new)).get(BOUND_SECONDS, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        Set<Integer> received = new HashSet<>();
        for (CompletableFuture<Integer> take : takes) {
            received.add(take.get(BOUND_SECONDS, TimeUnit.SECONDS));
        }
        assertThat(received).hasSize(takers);
        assertThat(queue.size()).isZero();
        assertThat(queue.snapshot().waiting()).isZero();
        assertThat(queue.unfinishedTasks()).isEqualTo(takers);
    }

    @Test
    void thousandsOfPendingAsyncPuttersAreDrainedByTwoThreadsWithNoItemLost() throws Exception {
        int putters = 5_000;
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 4);
        List<CompletableFuture<Void>> puts = new ArrayList<>(putters);
        for (int i = 0; i < putters; i++) {
            puts.add(queue.putAsync(i, Durations.FOREVER));
        }
        assertThat(queue.snapshot().waiting()).isEqualTo(putters - 4);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        List<Integer> received = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger remaining = new AtomicInteger(putters);
        try {
            List<CompletableFuture<Void>> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                consumers.add(CompletableFuture.runAsync(() -> {
                    while (remaining.getAndDecrement() > 0) {
                        try {
                            received.add(queue.take(Threads.BOUND));
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, executor));
            }
            CompletableFuture.allOf(consumers.toArray(CompletableFuture[]::new)).get(BOUND_SECONDS, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(puts).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(new HashSet<>(received)).hasSize(putters);
        assertThat(queue.size()).isZero();
        assertThat(queue.snapshot().waiting()).isZero();
    }

    // ---------------------------------------------------------------- give-up racing a hand-off

    @Test
    void cancelledTakeRacingAHandOffNeverLosesOrDuplicatesTheItem() throws Exception {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 4);
        int cancelledWins = 0;
        for (int i = 0; i < 5_000; i++) {
            CompletableFuture<Integer> take = queue.takeAsync(Durations.FOREVER);
            int item = i;
            race(() -> queue.offer(item), () -> take.cancel(true));
            if (take.isCancelled()) {
                cancelledWins++;
                assertThat(queue.poll()).as("item of a cancelled take must stay queued").isEqualTo(item);
            } else {
                assertThat(take.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(item);
                assertThat(queue.poll()).isNull();
            }
            assertThat(queue.snapshot().waiting()).isZero();
        }
        assertThat(queue.unfinishedTasks()).isEqualTo(5_000);
        assertThat(cancelledWins).isPositive();
    }

    @Test
    void timedOutAsyncTakeRacingAHandOffNeverLosesTheItem() throws Exception {
        RecordingListener listener = new RecordingListener();
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 4, listener);
        for (int i = 0; i < 3_000; i++) {
            CompletableFuture<Integer> take = queue.takeAsync(Duration.ofNanos(50_000));
            int item = i;
            race(() -> queue.offer(item), () -> Thread.onSpinWait());
            Integer got;
            try {
                got = take.get(BOUND_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e).hasCauseInstanceOf(GuardTimeoutException.class);
                got = null;
            }
            Integer left = queue.poll();
            assertThat(got == null ? left : got).isEqualTo(item);
            assertThat(got != null && left != null).as("item %d delivered twice", item).isFalse();
            assertThat(queue.snapshot().waiting()).isZero();
        }
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timedOutBlockingTakeRacingAPutLeavesTheItemWithExactlyOneSide(Threads.Flavor flavor) throws Exception {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 2);
        for (int i = 0; i < 2_000; i++) {
            int item = i;
            AtomicReference<Integer> got = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread taker = Threads.start(flavor, () -> {
                try {
                    start.await();
                    got.set(queue.take(Duration.ofNanos(20_000)));
                } catch (GuardTimeoutException expected) {
                    // the put came too late: the item must stay queued
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            start.countDown();
            queue.put(item);
            Threads.joinAll(List.of(taker));
            Integer left = queue.poll();
            assertThat(got.get() == null ? left : got.get()).isEqualTo(item);
            assertThat(got.get() != null && left != null).isFalse();
            assertThat(queue.snapshot().waiting()).isZero();
        }
    }

    @Test
    void cancelledPutRacingATakeEitherDeliversTheItemOrLeavesItOut() throws Exception {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 1);
        queue.offer(-1);
        int cancelledWins = 0;
        for (int i = 0; i < 5_000; i++) {
            CompletableFuture<Void> put = queue.putAsync(i, Durations.FOREVER);
            AtomicReference<Integer> taken = new AtomicReference<>();
            race(() -> taken.set(queue.poll()), () -> put.cancel(true));
            assertThat(taken.get()).as("the previous head").isNotNull();
            Integer head = queue.poll();
            if (put.isCancelled()) {
                cancelledWins++;
                assertThat(head).as("a cancelled put's item never enters").isNull();
            } else {
                assertThat(put).isCompleted();
                assertThat(head).isEqualTo(i);
            }
            assertThat(queue.snapshot().waiting()).isZero();
            queue.offer(-1);
        }
        assertThat(cancelledWins).isPositive();
        assertThat(queue.unfinishedTasks()).isEqualTo(1 + 2 * 5_000 - cancelledWins);
    }

    @Test
    void cancelledTakeFutureThatLostTheRaceStillCarriesItsItem() {
        BoundedQueue<String> queue = BoundedQueue.create("q", 1);
        CompletableFuture<String> take = queue.takeAsync(Durations.FOREVER);
        queue.offer("x");
        assertThat(take.cancel(true)).isFalse();
        assertThat(take.join()).isEqualTo("x");
        assertThatThrownBy(() -> queue.takeAsync(Duration.ZERO).join()).hasCauseInstanceOf(GuardTimeoutException.class);
        CompletableFuture<String> withdrawn = queue.takeAsync(Durations.FOREVER);
        assertThat(withdrawn.cancel(true)).isTrue();
        assertThatThrownBy(withdrawn::join).isInstanceOf(CancellationException.class);
        queue.offer("y");
        assertThat(queue.poll()).isEqualTo("y");
    }

    /** Runs two actions on two fresh platform threads released together; bounded. */
    private static void race(Runnable first, Runnable second) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        Thread a = Thread.ofPlatform().start(() -> awaitThen(start, first));
        Thread b = Thread.ofPlatform().start(() -> awaitThen(start, second));
        start.countDown();
        Threads.joinAll(List.of(a, b));
    }

    private static void awaitThen(CountDownLatch start, Runnable action) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        action.run();
    }
}
