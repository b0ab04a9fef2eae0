package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link BoundedQueue#shutdown(boolean)}: the ports of CPython 3.13's
 * {@code Lib/test/test_asyncio/test_queues.py} {@code _QueueShutdownTestMixin}, run (as there) for
 * the FIFO, LIFO and priority queues, then the waits it wakes on real threads and its races with
 * cancellations, timeouts and puts. No timing asserts; every wait is bounded by {@link Threads#BOUND}.
 */
class BoundedQueueShutdownTest {

    private static final long BOUND_SECONDS = Threads.BOUND.toSeconds();

    // ---------------------------------------------------------------- CPython _QueueShutdownTestMixin

    /** CPython {@code test_format}: a shut-down queue says so. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_format(QueueForm form) {
        BoundedQueue<String> q = form.unbounded("q");
        assertThat(q.isShutDown()).isFalse();
        assertThat(q.toString()).doesNotContain("shut down").contains("unbounded");
        q.shutdown();
        assertThat(q.isShutDown()).isTrue();
        assertThat(q.toString()).contains("queue 'q'").contains("shut down");
    }

    /** CPython {@code test_shutdown_empty}: a pending get fails, join returns, every put and get fails. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_empty(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        CompletableFuture<String> getTask = q.takeAsync(Durations.FOREVER);
        assertThat(getTask).isNotDone();

        q.shutdown(false); // unfinished tasks: 0 -> 0

        assertThat(q.size()).isZero();
        q.join(Threads.BOUND);
        assertThat(getTask).isDone();
        assertShutDown(getTask, false);

        assertPutsFail(q);
        assertTakesFail(q);
    }

    /** CPython {@code test_shutdown_nonempty}: the waiting put fails, the queued item is still got, join waits for its task_done. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_nonempty(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.bounded("q", 1);
        assertThat(q.offer("data")).isTrue();
        CompletableFuture<Void> joinTask = q.joinAsync(Durations.FOREVER);
        CompletableFuture<Void> putTask = q.putAsync("data2", Durations.FOREVER);
        assertThat(putTask).isNotDone();

        q.shutdown(false); // unfinished tasks: 1 -> 1

        assertThat(q.size()).isEqualTo(1);
        assertThat(putTask).isDone();
        assertShutDown(putTask, true);

        assertThat(q.take(Threads.BOUND)).isEqualTo("data");
        assertThat(joinTask).isNotDone();

        assertPutsFail(q);
        assertTakesFail(q);

        assertThat(q.unfinishedTasks()).isEqualTo(1);
        q.taskDone();
        joinTask.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThatThrownBy(q::taskDone).as("Didn't appear to mark all tasks done").isInstanceOf(IllegalStateException.class);
    }

    /** CPython {@code test_shutdown_immediate}: the item is dropped and counted done, so join returns. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_immediate(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        q.offer("data");
        CompletableFuture<Void> joinTask = q.joinAsync(Durations.FOREVER);

        q.shutdown(true); // unfinished tasks: 1 -> 0

        assertThat(q.size()).isZero();
        joinTask.get(BOUND_SECONDS, TimeUnit.SECONDS);

        assertPutsFail(q);
        assertTakesFail(q);

        assertThat(q.unfinishedTasks()).isZero();
        assertThatThrownBy(q::taskDone).as("Didn't appear to mark all tasks done").isInstanceOf(IllegalStateException.class);
    }

    /** CPython {@code test_shutdown_immediate_with_unfinished}: the taken item still needs its task_done before join returns. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_immediate_with_unfinished(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        q.offer("data");
        q.offer("data");
        CompletableFuture<Void> joinTask = q.joinAsync(Durations.FOREVER);
        assertThat(q.take(Threads.BOUND)).isEqualTo("data");

        q.shutdown(true); // unfinished tasks: 2 -> 1

        assertThat(q.size()).isZero();
        assertThat(joinTask).isNotDone();

        assertPutsFail(q);
        assertTakesFail(q);

        assertThat(q.unfinishedTasks()).isEqualTo(1);
        q.taskDone();
        assertThatThrownBy(q::taskDone).as("Didn't appear to mark all tasks done").isInstanceOf(IllegalStateException.class);
        joinTask.get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- beyond the CPython cases

    @Test
    void exceptionIsASignalboxExceptionThatNamesTheQueueAndSaysWhatToDo() {
        BoundedQueue<String> q = BoundedQueue.create("jobs", 2);
        q.shutdown();
        assertThatThrownBy(() -> q.offer("x")).isInstanceOf(QueueShutDownException.class)
                .isInstanceOf(SignalboxException.class)
                .hasMessageContaining("queue 'jobs'").hasMessageContaining("shut down")
                .hasMessageContaining("stop producing")
                .satisfies(e -> {
                    assertThat(((QueueShutDownException) e).getPrimitiveName()).isEqualTo("jobs");
                    assertThat(((QueueShutDownException) e).isPut()).isTrue();
                });
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class)
                .hasMessageContaining("no items left").hasMessageContaining("stop consuming")
                .satisfies(e -> assertThat(((QueueShutDownException) e).isPut()).isFalse());
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void nonImmediateShutdownDrainsInTheQueuesOrderThenFails(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.bounded("q", 4);
        for (int i : new int[] {1, 3, 2}) {
            q.put(i);
        }
        q.shutdown();
        List<Integer> drained = new ArrayList<>();
        drained.add(q.take(Threads.BOUND));
        drained.add(q.poll());
        drained.add(q.takeAsync(Duration.ZERO).get(BOUND_SECONDS, TimeUnit.SECONDS));
        assertThat(drained).containsExactlyElementsOf(switch (form) {
            case FIFO -> List.of(1, 3, 2);
            case LIFO -> List.of(2, 3, 1);
            case PRIORITY -> List.of(1, 2, 3);
        });
        assertTakesFail(q);
        assertThatThrownBy(() -> q.take(Duration.ZERO)).as("shut down wins over a zero timeout")
                .isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void immediateShutdownAfterAPlainOneStillDropsWhatIsLeft() throws Exception {
        BoundedQueue<String> q = BoundedQueue.create("q", 4);
        q.put("a");
        q.put("b");
        q.shutdown();
        q.shutdown(); // idempotent
        assertThat(q.poll()).isEqualTo("a");
        q.shutdown(true);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        assertTakesFail(q);
        q.taskDone();
        q.join(Duration.ZERO);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void blockedPuttersAndTakersAreWokenAndFail(Threads.Flavor flavor) throws Exception {
        BoundedQueue<String> full = BoundedQueue.create("full", 1);
        full.put("kept");
        BoundedQueue<String> empty = BoundedQueue.create("empty", 1);
        Threads.Call putter = Threads.call(flavor, i -> full.put("late"));
        Threads.Call timedPutter = Threads.call(flavor, i -> full.put("late", Threads.BOUND));
        Threads.Call taker = Threads.call(flavor, i -> empty.take());
        Threads.Call timedTaker = Threads.call(flavor, i -> empty.take(Threads.BOUND));
        Threads.awaitTrue("putters waiting", () -> full.snapshot().waiting() == 2);
        Threads.awaitTrue("takers waiting", () -> empty.snapshot().waiting() == 2);

        full.shutdown();
        empty.shutdown();

        assertThat(putter.join()).isInstanceOf(QueueShutDownException.class);
        assertThat(timedPutter.join()).isInstanceOf(QueueShutDownException.class);
        assertThat(taker.join()).isInstanceOf(QueueShutDownException.class);
        assertThat(timedTaker.join()).isInstanceOf(QueueShutDownException.class);
        assertThat(full.snapshot().waiting()).isZero();
        assertThat(empty.snapshot().waiting()).isZero();
        assertThat(full.poll()).isEqualTo("kept");
        assertThat(full.unfinishedTasks()).as("refused items are never counted").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void immediateShutdownWakesPuttersTakersAndJoinersAndReportsEveryWait(QueueForm form) throws Exception {
        RecordingListener listener = new RecordingListener();
        BoundedQueue<Integer> q = form.bounded("q", 2, listener);
        q.put(1);
        q.put(2);
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            puts.add(q.putAsync(10 + i, Durations.FOREVER));
        }
        CompletableFuture<Void> join = q.joinAsync(Durations.FOREVER);
        CompletableFuture<Void> cancelled = q.putAsync(99, Durations.FOREVER);
        assertThat(cancelled.cancel(false)).isTrue();

        q.shutdown(true);

        for (CompletableFuture<Void> put : puts) {
            assertShutDown(put, true);
        }
        assertThat(cancelled).isCancelled();
        join.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isZero();
        assertThat(q.snapshot().waiting()).isZero();
        assertTakesFail(q); // 3 more refusals
        // 2 acquired puts, 10 refused waiting puts, 1 cancelled, then 3 refused takes.
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(13);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    @Test
    void timedOutOrCancelledWaitersKeepTheirOutcome() throws Exception {
        BoundedQueue<String> q = BoundedQueue.create("q", 1);
        CompletableFuture<String> timedOut = q.takeAsync(Duration.ofMillis(1));
        assertThatThrownBy(() -> timedOut.get(BOUND_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(GuardTimeoutException.class);
        CompletableFuture<String> cancelled = q.takeAsync(Durations.FOREVER);
        assertThat(cancelled.cancel(true)).isTrue();
        q.shutdown();
        assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
        assertThat(cancelled.cancel(true)).isTrue(); // already cancelled
    }

    @Test
    void cancelAfterTheRefusalReturnsFalseAndTheFutureKeepsTheRefusal() {
        BoundedQueue<String> q = BoundedQueue.create("q", 1);
        CompletableFuture<String> take = q.takeAsync(Durations.FOREVER);
        q.shutdown();
        assertThat(take.cancel(true)).isFalse();
        assertShutDown(take, false);
    }

    // ---------------------------------------------------------------- races

    /** A pending async take cancelled while the queue shuts down: it ends cancelled or refused, never with an item. */
    @Test
    void cancelledTakeRacingAShutdownEndsExactlyOnce() throws Exception {
        int cancelledWins = 0;
        for (int i = 0; i < 2_000; i++) {
            boolean immediate = i % 2 == 0;
            RecordingListener listener = new RecordingListener();
            BoundedQueue<Integer> q = BoundedQueue.create("q", 2, listener);
            CompletableFuture<Integer> take = q.takeAsync(Durations.FOREVER);
            AtomicBoolean cancelReturned = new AtomicBoolean();
            race(() -> cancelReturned.set(take.cancel(true)), () -> q.shutdown(immediate));
            if (take.isCancelled()) {
                cancelledWins++;
                assertThat(cancelReturned.get()).isTrue();
            } else {
                assertThat(cancelReturned.get()).isFalse();
                assertShutDown(take, false);
            }
            assertThat(q.snapshot().waiting()).isZero();
            assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
        }
        assertThat(cancelledWins).as("the cancel won at least sometimes").isPositive();
    }

    /** A pending async put cancelled while the queue shuts down: it ends cancelled or refused, and its item never enters. */
    @Test
    void cancelledPutRacingAShutdownNeverQueuesItsItem() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            boolean immediate = i % 2 == 0;
            BoundedQueue<Integer> q = BoundedQueue.create("q", 1);
            q.offer(-1);
            CompletableFuture<Void> put = q.putAsync(i, Durations.FOREVER);
            race(() -> put.cancel(true), () -> q.shutdown(immediate));
            if (!put.isCancelled()) {
                assertShutDown(put, true);
            }
            assertThat(q.snapshot().waiting()).isZero();
            assertThat(q.unfinishedTasks()).isEqualTo(immediate ? 0 : 1);
            if (!immediate) {
                assertThat(q.poll()).isEqualTo(-1);
            }
            assertTakesFail(q);
        }
    }

    /**
     * A pending async take, a put of one item, the take's cancel and a shutdown (plain or
     * immediate), all at once: the item is taken by the take (whose future then has it), or stays
     * queued (plain shutdown), or is dropped and counted done (immediate), or was refused; never
     * lost, never twice.
     */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void asyncTakeRacingAPutACancelAndAShutdownLosesNothing(QueueForm form) throws Exception {
        int handedOff = 0;
        for (int i = 0; i < 1_500; i++) {
            boolean immediate = i % 2 == 1;
            RecordingListener listener = new RecordingListener();
            BoundedQueue<Integer> q = form.bounded("q", 2, listener);
            CompletableFuture<Integer> take = q.takeAsync(Durations.FOREVER);
            int item = i;
            AtomicReference<Boolean> offered = new AtomicReference<>();
            race(() -> {
                try {
                    offered.set(q.offer(item));
                } catch (QueueShutDownException refused) {
                    offered.set(false);
                }
            }, () -> take.cancel(true), () -> q.shutdown(immediate));

            Integer got = outcomeOf(take);
            Integer left = immediate ? null : pollOrNull(q);
            assertThat(got != null && left != null).as("item %d delivered twice", item).isFalse();
            if (offered.get()) {
                if (got != null) {
                    handedOff++;
                    assertThat(got).isEqualTo(item);
                    assertThat(q.unfinishedTasks()).isEqualTo(1);
                } else if (!immediate) {
                    assertThat(left).as("an accepted item the take did not get stays queued").isEqualTo(item);
                    assertThat(q.unfinishedTasks()).isEqualTo(1);
                } else {
                    assertThat(q.unfinishedTasks()).as("a dropped item counts as done").isZero();
                }
            } else {
                assertThat(got).isNull();
                assertThat(left).isNull();
                assertThat(q.unfinishedTasks()).isZero();
            }
            assertThat(q.size()).isZero();
            assertThat(q.snapshot().waiting()).isZero();
            assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
        }
        assertThat(handedOff).as("the hand-off won at least sometimes").isPositive();
    }

    /** A blocking timed take on its own thread racing a put and a shutdown: the item ends with exactly one side. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timedBlockingTakeRacingAPutAndAShutdownLeavesTheItemWithOneSide(Threads.Flavor flavor) throws Exception {
        for (int i = 0; i < 1_000; i++) {
            BoundedQueue<Integer> q = BoundedQueue.create("q", 2);
            int item = i;
            AtomicReference<Integer> got = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean offered = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            Thread taker = Threads.start(flavor, () -> {
                try {
                    start.await();
                    got.set(q.take(Duration.ofNanos(20_000)));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Thread shutter = Threads.start(flavor, () -> {
                try {
                    start.await();
                    q.shutdown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            start.countDown();
            try {
                offered.set(q.offer(item));
            } catch (QueueShutDownException refused) {
                offered.set(false);
            }
            Threads.joinAll(List.of(taker, shutter));
            if (got.get() == null) {
                assertThat(failure.get()).isInstanceOfAny(GuardTimeoutException.class, QueueShutDownException.class);
            }
            Integer left = pollOrNull(q);
            if (offered.get()) {
                assertThat(got.get() == null ? left : got.get()).isEqualTo(item);
                assertThat(got.get() != null && left != null).isFalse();
            } else {
                assertThat(got.get()).isNull();
                assertThat(left).isNull();
            }
            assertThat(q.snapshot().waiting()).isZero();
        }
    }

    /**
     * Producers and consumers running in every form until a shutdown in the middle: every item a put
     * accepted is received exactly once (plain shutdown), or received or dropped (immediate), and
     * with each received item marked done, join returns.
     */
    static List<Arguments> formsAndImmediacy() {
        List<Arguments> out = new ArrayList<>();
        for (QueueForm form : QueueForm.values()) {
            out.add(Arguments.of(form, false));
            out.add(Arguments.of(form, true));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("formsAndImmediacy")
    void producersAndConsumersStopCleanlyAtAShutdownInTheMiddle(QueueForm form, boolean immediate) throws Exception {
        int producers = 3;
        int consumers = 3;
        int perProducer = 200_000; // far more than they get through before the shutdown
        RecordingListener listener = new RecordingListener();
        BoundedQueue<Integer> q = form.bounded("q", 8, listener);
        BitSet[] accepted = new BitSet[producers];
        List<List<Integer>> received = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            received.add(new ArrayList<>());
        }
        AtomicInteger receivedCount = new AtomicInteger();
        Threads.runConcurrently(Threads.Flavor.PLATFORM, producers + consumers + 1, index -> {
            if (index < producers) {
                BitSet mine = new BitSet();
                accepted[index] = mine;
                try {
                    for (int seq = 0; seq < perProducer; seq++) {
                        int item = index * perProducer + seq;
                        switch (seq % 3) {
                            case 0 -> q.put(item);
                            case 1 -> q.put(item, Threads.BOUND);
                            default -> q.putAsync(item, Threads.BOUND).get(BOUND_SECONDS, TimeUnit.SECONDS);
                        }
                        mine.set(seq);
                    }
                    fail("producer %d was never refused", index);
                } catch (QueueShutDownException expected) {
                    // the end of this producer
                } catch (ExecutionException e) {
                    assertThat(e).hasCauseInstanceOf(QueueShutDownException.class);
                }
            } else if (index < producers + consumers) {
                List<Integer> mine = received.get(index - producers);
                try {
                    for (int n = 0; ; n++) {
                        Integer item = switch (n % 3) {
                            case 0 -> q.take();
                            case 1 -> q.take(Threads.BOUND);
                            default -> q.takeAsync(Threads.BOUND).get(BOUND_SECONDS, TimeUnit.SECONDS);
                        };
                        mine.add(item);
                        receivedCount.incrementAndGet();
                        q.taskDone();
                    }
                } catch (QueueShutDownException expected) {
                    // drained (or dropped): the end of this consumer
                } catch (ExecutionException e) {
                    assertThat(e).hasCauseInstanceOf(QueueShutDownException.class);
                }
            } else {
                Threads.awaitTrue("items flowing", () -> receivedCount.get() >= 5_000);
                q.shutdown(immediate);
            }
        });

        BitSet all = new BitSet();
        for (int p = 0; p < producers; p++) {
            for (int seq = accepted[p].nextSetBit(0); seq >= 0; seq = accepted[p].nextSetBit(seq + 1)) {
                all.set(p * perProducer + seq);
            }
        }
        BitSet seen = new BitSet();
        for (List<Integer> mine : received) {
            for (int item : mine) {
                assertThat(seen.get(item)).as("item %d received twice", item).isFalse();
                seen.set(item);
            }
        }
        BitSet receivedButNotAccepted = (BitSet) seen.clone();
        receivedButNotAccepted.andNot(all);
        assertThat(receivedButNotAccepted.cardinality()).as("received items no put accepted").isZero();
        BitSet lost = (BitSet) all.clone();
        lost.andNot(seen);
        if (immediate) {
            // The items dropped by the shutdown (at most the 8 queued plus the putters just admitted) are the only ones not received.
            assertThat(lost.cardinality()).isLessThanOrEqualTo(8);
        } else {
            assertThat(lost.cardinality()).as("accepted items never received").isZero();
        }
        assertThat(q.unfinishedTasks()).isZero();
        q.join(Duration.ZERO);
        assertThat(q.size()).isZero();
        assertThat(q.snapshot().waiting()).isZero();
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
        assertThat(listener.negativeDurations()).isZero();
    }

    // ---------------------------------------------------------------- helpers

    private static void assertPutsFail(BoundedQueue<String> q) {
        int size = q.size();
        int unfinished = q.unfinishedTasks();
        assertThatThrownBy(() -> q.put("data")).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.put("data", Duration.ZERO)).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.offer("data")).isInstanceOf(QueueShutDownException.class);
        assertShutDown(q.putAsync("data", Durations.FOREVER), true);
        assertThat(q.size()).isEqualTo(size);
        assertThat(q.unfinishedTasks()).isEqualTo(unfinished);
    }

    private static <T> void assertTakesFail(BoundedQueue<T> q) {
        assertThatThrownBy(q::take).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        assertShutDown(q.takeAsync(Durations.FOREVER), false);
    }

    private static void assertShutDown(CompletableFuture<?> future, boolean put) {
        assertThatThrownBy(() -> future.get(BOUND_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(QueueShutDownException.class)
                .satisfies(e -> assertThat(((QueueShutDownException) e).isPut()).isEqualTo(put));
    }

    /** The item a finished take future completed with; null when it was cancelled or failed (with a refusal). */
    private static Integer outcomeOf(CompletableFuture<Integer> take) throws Exception {
        if (take.isCancelled()) {
            return null;
        }
        try {
            return take.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e).hasCauseInstanceOf(QueueShutDownException.class);
            return null;
        }
    }

    private static Integer pollOrNull(BoundedQueue<Integer> q) {
        try {
            return q.poll();
        } catch (QueueShutDownException empty) {
            return null;
        }
    }

    /** Runs the actions on fresh platform threads released together; bounded. */
    static void race(Runnable... actions) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (Runnable action : actions) {
            threads.add(Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    start.await();
                    action.run();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        start.countDown();
        Threads.joinAll(threads);
        if (failure.get() != null) {
            throw new AssertionError("a racing action failed", failure.get());
        }
    }
}
