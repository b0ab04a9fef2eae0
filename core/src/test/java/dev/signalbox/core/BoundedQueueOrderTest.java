package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The LIFO and priority orders and the unbounded form ({@code maxsize=0}) of {@link BoundedQueue}:
 * ports of CPython 3.13's {@code test_queues.py} cases that have a Java meaning
 * ({@code LifoQueueTests}, {@code PriorityQueueTests}, {@code _QueueJoinTestMixin}, the unbounded
 * cases of {@code QueueBasicTests} and {@code QueuePutTests}), then what must hold in every order:
 * waiters FIFO, timeouts and cancellation, metrics, and no item lost under contention.
 */
class BoundedQueueOrderTest {

    private static final long BOUND_SECONDS = Threads.BOUND.toSeconds();

    // ---------------------------------------------------------------- CPython ports

    /** CPython {@code QueueBasicTests.test_order} (FIFO), {@code LifoQueueTests.test_order}, {@code PriorityQueueTests.test_order}. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_order(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.unbounded("q");
        for (int i : new int[] {1, 3, 2}) {
            q.put(i);
        }
        List<Integer> items = List.of(q.take(), q.take(), q.take());
        assertThat(items).containsExactlyElementsOf(switch (form) {
            case FIFO -> List.of(1, 3, 2);
            case LIFO -> List.of(2, 3, 1);
            case PRIORITY -> List.of(1, 2, 3);
        });
    }

    /** CPython {@code _QueueJoinTestMixin.test_task_done_underflow}. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_task_done_underflow(QueueForm form) {
        BoundedQueue<Integer> q = form.unbounded("q");
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
    }

    /** CPython {@code _QueueJoinTestMixin.test_task_done}: two workers, 100 items, join, then stop the workers. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_task_done(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.unbounded("q");
        for (int i = 0; i < 100; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        AtomicInteger accumulator = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Threads.Call> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(Threads.call(Threads.Flavor.PLATFORM, i -> {
                while (running.get()) {
                    int item = q.take(Threads.BOUND);
                    accumulator.addAndGet(item);
                    q.taskDone();
                }
            }));
        }
        q.join(Threads.BOUND);
        assertThat(accumulator.get()).isEqualTo(99 * 100 / 2);
        running.set(false);
        for (int w = 0; w < workers.size(); w++) {
            q.offer(0); // close the running workers
        }
        for (Threads.Call worker : workers) {
            worker.joinSuccessfully();
        }
    }

    /** CPython {@code _QueueJoinTestMixin.test_join_empty_queue}: join returns at once, twice. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_join_empty_queue(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.unbounded("q");
        q.join(Duration.ZERO);
        q.join(Duration.ZERO);
        assertThat(q.joinAsync(Duration.ZERO)).isCompleted();
    }

    /** CPython {@code _QueueJoinTestMixin.test_format} / {@code test_full} with maxsize=0: unbounded is reported and never full. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_format_and_test_full_unbounded(QueueForm form) {
        BoundedQueue<Integer> q = form.unbounded("q");
        assertThat(q.capacity()).isEqualTo(BoundedQueue.UNBOUNDED).isZero();
        assertThat(q.snapshot().capacity()).isEqualTo(BoundedQueue.UNBOUNDED);
        assertThat(q.toString()).contains("unbounded").contains(form == QueueForm.PRIORITY ? "priority" : form.name());
        for (int i = 0; i < 10_000; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.snapshot()).extracting(Snapshot::active, Snapshot::capacity, Snapshot::waiting)
                .containsExactly(10_000, 0, 0);
    }

    /** CPython {@code QueuePutTests.test_blocking_put} (no maxsize, won't block), in every put form. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_blocking_put(QueueForm form) throws Exception {
        RecordingListener listener = new RecordingListener();
        BoundedQueue<Integer> q = form.unbounded("q", listener);
        for (int i = 0; i < 3_000; i++) {
            switch (i % 4) {
                case 0 -> q.put(i);
                case 1 -> q.put(i, Duration.ZERO); // a zero timeout never times out: there is always room
                case 2 -> assertThat(q.putAsync(i, Duration.ZERO)).isCompleted();
                default -> assertThat(q.offer(i)).isTrue();
            }
        }
        assertThat(q.size()).isEqualTo(3_000);
        assertThat(q.unfinishedTasks()).isEqualTo(3_000);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(3_000);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    /** CPython {@code QueueGetTests.test_get_with_waiting_putters}, in a LIFO queue: putters are admitted FIFO. */
    @Test
    void test_get_with_waiting_putters_lifo() throws Exception {
        BoundedQueue<String> q = BoundedQueue.lifo("q", 1);
        CompletableFuture<Void> a = q.putAsync("a", Durations.FOREVER);
        CompletableFuture<Void> b = q.putAsync("b", Durations.FOREVER);
        assertThat(a).isCompleted();
        assertThat(b).isNotDone();
        assertThat(q.take(Threads.BOUND)).isEqualTo("a");
        assertThat(q.take(Threads.BOUND)).isEqualTo("b");
        assertThat(b).isCompleted();
    }

    /** CPython {@code QueuePutTests.test_put_cancelled_race}, in a priority queue: a cancelled putter's item never enters. */
    @Test
    void test_put_cancelled_race_priority() throws Exception {
        BoundedQueue<String> q = BoundedQueue.priority("q", 1, Comparator.naturalOrder());
        CompletableFuture<Void> putA = q.putAsync("a", Durations.FOREVER);
        CompletableFuture<Void> putB = q.putAsync("b", Durations.FOREVER);
        CompletableFuture<Void> putX = q.putAsync("X", Durations.FOREVER); // smallest: would jump the line if it entered
        assertThat(putA).isCompleted();
        assertThat(putB).isNotDone();
        assertThat(putX.cancel(true)).isTrue();
        assertThat(q.poll()).isEqualTo("a");
        assertThat(q.poll()).isEqualTo("b");
        assertThat(putB).isCompleted();
        assertThat(q.poll()).isNull();
    }

    // ---------------------------------------------------------------- LIFO and priority specifics

    @Test
    void priorityRejectsANullComparatorNamingTheQueueAndTheFix() {
        assertThatThrownBy(() -> BoundedQueue.priority("jobs", 4, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("queue 'jobs'").hasMessageContaining("Comparator.naturalOrder()");
        assertThatThrownBy(() -> BoundedQueue.unboundedPriority("jobs", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void boundedFactoriesRejectCapacityBelowOnePointingAtTheUnboundedOnes() {
        assertThatThrownBy(() -> BoundedQueue.lifo("jobs", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1").hasMessageContaining("unbounded");
        assertThatThrownBy(() -> BoundedQueue.priority("jobs", -1, Comparator.<Integer>naturalOrder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -1");
    }

    @Test
    void equalPrioritiesLeaveInTheOrderTheyEntered() {
        record Job(int priority, int seq) {
        }
        BoundedQueue<Job> q = BoundedQueue.unboundedPriority("q", Comparator.comparingInt(Job::priority));
        Random random = new Random(42);
        for (int seq = 0; seq < 5_000; seq++) {
            q.offer(new Job(random.nextInt(5), seq));
        }
        Job previous = q.poll();
        Job next;
        while ((next = q.poll()) != null) {
            assertThat(next.priority()).isGreaterThanOrEqualTo(previous.priority());
            if (next.priority() == previous.priority()) {
                assertThat(next.seq()).as("equal priorities in arrival order").isGreaterThan(previous.seq());
            }
            previous = next;
        }
    }

    @Test
    void priorityOrderMatchesASortUnderInterleavedPutsAndTakes() {
        BoundedQueue<Integer> q = BoundedQueue.priority("q", 64, Comparator.reverseOrder());
        java.util.PriorityQueue<Integer> model = new java.util.PriorityQueue<>(Comparator.reverseOrder());
        Random random = new Random(7);
        for (int step = 0; step < 50_000; step++) {
            if (random.nextInt(3) > 0) {
                int item = random.nextInt(1_000);
                boolean offered = q.offer(item);
                assertThat(offered).isEqualTo(model.size() < 64);
                if (offered) {
                    model.add(item);
                }
            } else {
                assertThat(q.poll()).isEqualTo(model.poll());
            }
            assertThat(q.size()).isEqualTo(model.size());
        }
    }

    @Test
    void lifoPutAdmittedByATakeIsTheNextItemOut() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.lifo("q", 2);
        q.put(1);
        q.put(2);
        CompletableFuture<Void> put3 = q.putAsync(3, Durations.FOREVER);
        assertThat(q.take()).isEqualTo(2);
        assertThat(put3).isCompleted();
        assertThat(q.take()).isEqualTo(3);
        assertThat(q.take()).isEqualTo(1);
    }

    /** A comparator that throws leaves the queue as it was: the put is not queued, the take takes nothing, a waiting putter fails. */
    @Test
    void aThrowingComparatorFailsOnlyTheCallThatNeededIt() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        Comparator<String> fragile = (a, b) -> {
            if (broken.get() || a.equals("bad") || b.equals("bad")) {
                throw new IllegalArgumentException("cannot order " + a + " and " + b);
            }
            return a.compareTo(b);
        };
        RecordingListener listener = new RecordingListener();
        BoundedQueue<String> q = BoundedQueue.priority("q", 3, fragile, listener);
        q.put("b");
        q.put("a");
        assertThatThrownBy(() -> q.put("bad")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.offer("bad")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.putAsync("bad", Durations.FOREVER).get(BOUND_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.unfinishedTasks()).isEqualTo(2);

        q.put("c");
        broken.set(true);
        assertThatThrownBy(q::poll).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.take(Threads.BOUND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.takeAsync(Threads.BOUND).get(BOUND_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class);
        broken.set(false);
        assertThat(q.size()).as("a failed take took nothing").isEqualTo(3);

        // Full: the waiting putter's item is compared only when a take frees room for it.
        CompletableFuture<Void> badPut = q.putAsync("bad", Durations.FOREVER);
        assertThat(badPut).isNotDone();
        assertThat(q.poll()).as("the take that freed the room keeps its item").isEqualTo("a");
        assertThatThrownBy(() -> badPut.get(BOUND_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(q.poll()).isEqualTo("b");
        assertThat(q.poll()).isEqualTo("c");
        assertThat(q.poll()).isNull();
        assertThat(q.unfinishedTasks()).isEqualTo(3);
        assertThat(q.snapshot().waiting()).isZero();
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    // ---------------------------------------------------------------- the same waits in every order

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void waitingPuttersAndTakersAreServedInArrivalOrderWhateverTheItemOrder(QueueForm form) {
        BoundedQueue<Integer> q = form.bounded("q", 1);
        q.offer(0);
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            puts.add(q.putAsync(form == QueueForm.PRIORITY ? 100 - i : i, Durations.FOREVER));
        }
        assertThat(q.offer(999)).as("a newcomer never overtakes waiting putters").isFalse();
        assertThat(q.poll()).isEqualTo(0);
        for (int i = 1; i <= 50; i++) {
            assertThat(q.poll()).as("capacity 1: the putters' items leave in the putters' order").isEqualTo(form == QueueForm.PRIORITY ? 100 - i : i);
        }
        assertThat(puts).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());

        List<CompletableFuture<Integer>> takes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            takes.add(q.takeAsync(Durations.FOREVER));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(q.offer(i)).isTrue();
            assertThat(q.size()).as("handed to a waiting taker, never queued").isZero();
        }
        for (int i = 0; i < 50; i++) {
            assertThat(takes.get(i).join()).isEqualTo(i);
        }
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void timeoutsCancellationAndInterruptsLeaveNothingBehindInEveryOrder(QueueForm form) throws Exception {
        RecordingListener listener = new RecordingListener();
        BoundedQueue<Integer> q = form.bounded("q", 1, listener);
        q.put(1);
        assertThatThrownBy(() -> q.put(2, Duration.ofMillis(5))).isInstanceOf(GuardTimeoutException.class);
        assertThatThrownBy(() -> q.putAsync(3, Duration.ofMillis(5)).get(BOUND_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GuardTimeoutException.class);
        CompletableFuture<Void> cancelled = q.putAsync(0, Durations.FOREVER);
        assertThat(cancelled.cancel(true)).isTrue();
        AtomicReference<Throwable> putFailure = new AtomicReference<>();
        Thread putter = Threads.start(Threads.Flavor.VIRTUAL, () -> {
            try {
                q.put(-1);
            } catch (Throwable t) {
                putFailure.set(t);
            }
        });
        Threads.awaitTrue("putter waiting", () -> q.snapshot().waiting() == 1);
        putter.interrupt();
        Threads.joinAll(List.of(putter));
        assertThat(putFailure.get()).isInstanceOf(InterruptedException.class);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.poll()).as("no withdrawn item entered").isNull();
        assertThatThrownBy(() -> q.take(Duration.ofMillis(5))).isInstanceOf(GuardTimeoutException.class);
        CompletableFuture<Integer> cancelledTake = q.takeAsync(Durations.FOREVER);
        assertThat(cancelledTake.cancel(true)).isTrue();
        q.offer(7);
        assertThat(q.poll()).as("a cancelled take took nothing").isEqualTo(7);
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        assertThat(q.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(3);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(2);
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    /** A cancelled async take racing a put on another thread, in every order: the item goes to the take or stays queued. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void cancelledTakeRacingAPutNeverLosesOrDuplicatesTheItem(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.unbounded("q");
        int cancelledWins = 0;
        for (int i = 0; i < 2_000; i++) {
            CompletableFuture<Integer> take = q.takeAsync(Durations.FOREVER);
            int item = i;
            BoundedQueueShutdownTest.race(() -> q.offer(item), () -> take.cancel(true));
            if (take.isCancelled()) {
                cancelledWins++;
                assertThat(q.poll()).as("item of a cancelled take must stay queued").isEqualTo(item);
            } else {
                assertThat(take.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(item);
                assertThat(q.poll()).isNull();
            }
            assertThat(q.snapshot().waiting()).isZero();
        }
        assertThat(q.unfinishedTasks()).isEqualTo(2_000);
        assertThat(cancelledWins).isPositive();
    }

    /** A cancelled async put racing a take on another thread, in every order: its item enters or stays out, and the count agrees. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void cancelledPutRacingATakeEitherDeliversTheItemOrLeavesItOut(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.bounded("q", 1);
        q.offer(-1);
        int cancelledWins = 0;
        for (int i = 0; i < 2_000; i++) {
            CompletableFuture<Void> put = q.putAsync(i, Durations.FOREVER);
            AtomicReference<Integer> taken = new AtomicReference<>();
            BoundedQueueShutdownTest.race(() -> taken.set(q.poll()), () -> put.cancel(true));
            assertThat(taken.get()).as("the previous item").isEqualTo(-1);
            Integer head = q.poll();
            if (put.isCancelled()) {
                cancelledWins++;
                assertThat(head).as("a cancelled put's item never enters").isNull();
            } else {
                assertThat(head).isEqualTo(i);
            }
            assertThat(q.snapshot().waiting()).isZero();
            q.offer(-1);
        }
        assertThat(cancelledWins).isPositive();
        assertThat(q.unfinishedTasks()).isEqualTo(1 + 2 * 2_000 - cancelledWins);
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void producersAndConsumersReceiveEveryItemExactlyOnceInEveryOrder(QueueForm form) throws Exception {
        int producers = 4;
        int consumers = 4;
        int perProducer = 10_000;
        int total = producers * perProducer;
        RecordingListener listener = new RecordingListener();
        BoundedQueue<Integer> q = form.bounded("q", 8, listener);
        int[][] received = new int[consumers][total / consumers];
        Threads.runConcurrently(Threads.Flavor.VIRTUAL, producers + consumers, index -> {
            if (index < producers) {
                for (int seq = 0; seq < perProducer; seq++) {
                    int item = index * perProducer + seq;
                    switch (seq % 3) {
                        case 0 -> q.put(item);
                        case 1 -> q.put(item, Threads.BOUND);
                        default -> q.putAsync(item, Threads.BOUND).get(BOUND_SECONDS, TimeUnit.SECONDS);
                    }
                }
            } else {
                int[] mine = received[index - producers];
                for (int n = 0; n < mine.length; n++) {
                    mine[n] = switch (n % 3) {
                        case 0 -> q.take();
                        case 1 -> q.take(Threads.BOUND);
                        default -> q.takeAsync(Threads.BOUND).get(BOUND_SECONDS, TimeUnit.SECONDS);
                    };
                    q.taskDone();
                }
            }
        });
        BitSet seen = new BitSet(total);
        for (int[] mine : received) {
            for (int item : mine) {
                assertThat(seen.get(item)).as("item %d received twice", item).isFalse();
                seen.set(item);
            }
        }
        assertThat(seen.cardinality()).isEqualTo(total);
        q.join(Duration.ZERO);
        assertThat(q.size()).isZero();
        assertThat(q.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2L * total);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }
}
