package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.BoundedQueue;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_queues.py}, class {@code QueuePutTests}
 * (3.13), to Signalbox's {@link BoundedQueue}; each test is named after the CPython test it ports.
 * {@code await q.put(x)} is {@code put} or a {@code putAsync} future (an asyncio task waiting in
 * {@code put()}); {@code put_nowait} is {@code offer}, which returns false where asyncio raises
 * {@code QueueFull}; cancelling the task is cancelling the future.
 *
 * <p>Left out, with no Java meaning: {@code test_float_maxsize} (a capacity is an {@code int};
 * asyncio's {@code maxsize=1.3} holds two items because {@code full()} compares
 * {@code qsize() >= maxsize}). Deliberate differences:
 * <ul>
 * <li>A grant is final: an item put while takers wait is handed straight to the oldest taker, and a
 *     take from a full queue admits the oldest waiting putter's item at once (asyncio only wakes
 *     the task, which takes or puts when it next runs, and a cancel before then undoes it). So a
 *     cancel that comes after the grant loses ({@code cancel} returns false) and the take has its
 *     item, or the put's item is queued: in {@code test_get_cancel_drop_one_pending_reader},
 *     {@code test_get_cancel_drop_many_pending_readers}, {@code test_put_cancel_drop} and
 *     {@code test_cancelled_put_silence_value_error_exception} the cancelled task of CPython is, here,
 *     one that finished. What CPython checks still holds: no item is dropped or delivered twice,
 *     and a withdrawn put leaves nothing behind. Each of these also runs with the cancel and the
 *     put (or take) racing on two threads, 2,000 rounds, platform and virtual.</li>
 * <li>{@code test_cancelled_puts_not_being_held_in_self_putters} reads the private
 *     {@code _putters}; here {@code snapshot().waiting()} is checked.</li>
 * <li>{@code test_put_cancelled} (which, despite its name, cancels nothing) is ported as it is.</li>
 * </ul>
 */
class AsyncioQueuePutTests {

    private static final Duration BOUND = Threads.BOUND;

    @Test
    void test_blocking_put() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        // No maxsize, won't block.
        q.put(1, Duration.ZERO);
        assertThat(q.take(BOUND)).isEqualTo(1);
    }

    @Test
    void test_blocking_put_wait() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.create("q", 1);
        AtomicBoolean finished = new AtomicBoolean();
        Threads.Call putter = Threads.call(Threads.Flavor.PLATFORM, ignored -> {
            q.put(1, BOUND);
            q.put(2, BOUND);
            finished.set(true);
        });
        Threads.awaitTrue("the second put waits", () -> q.snapshot().waiting() == 1);
        assertThat(finished).isFalse();
        assertThat(q.poll()).isEqualTo(1);
        putter.joinSuccessfully();
        assertThat(finished).isTrue();
        assertThat(q.poll()).isEqualTo(2);
    }

    @Test
    void test_nonblocking_put() {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        assertThat(q.offer(1)).isTrue();
        assertThat(q.poll()).isEqualTo(1);
    }

    /**
     * A reader waits; two items are put, then the reader is cancelled: the first item is not
     * dropped. Here the first put hands item 1 to the reader, so the cancel loses and the reader has
     * 1 (CPython's reader is cancelled and a second reader gets 1).
     */
    @Test
    void test_get_cancel_drop_one_pending_reader() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        CompletableFuture<Integer> reader = q.takeAsync(BOUND);
        q.offer(1);
        q.offer(2);
        assertThat(reader.cancel(false)).as("the reader already had item 1").isFalse();
        assertThat(reader.get(30, TimeUnit.SECONDS)).as("if we get 2, it means 1 got dropped!").isEqualTo(1);
        assertThat(q.poll()).isEqualTo(2);
    }

    /** The same with the puts and the cancel on two threads: whoever wins, the next reader's item is 1. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_get_cancel_drop_one_pending_reader(Threads.Flavor flavor) throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        for (int round = 0; round < 2_000; round++) {
            CompletableFuture<Integer> first = q.takeAsync(BOUND);
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    q.offer(1);
                    q.offer(2);
                } else {
                    cancelled.set(first.cancel(false));
                }
            });
            CompletableFuture<Integer> reader = cancelled.get() ? q.takeAsync(BOUND) : first; // try again
            assertThat(reader.get(30, TimeUnit.SECONDS)).as("round %d: 1 dropped", round).isEqualTo(1);
            assertThat(q.poll()).as("round %d", round).isEqualTo(2);
            assertThat(q.snapshot().waiting()).isZero();
        }
    }

    /**
     * Three readers wait; two items are put, then reader1 is cancelled. CPython: reader1 ends
     * cancelled and readers 2 and 3 get {1, 2}. Here the puts served readers 1 and 2, so the cancel
     * loses; reader3 still waits, and is cancelled to end. Items 1 and 2 each reach exactly one reader.
     */
    @Test
    void test_get_cancel_drop_many_pending_readers() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        CompletableFuture<Integer> reader1 = q.takeAsync(BOUND);
        CompletableFuture<Integer> reader2 = q.takeAsync(BOUND);
        CompletableFuture<Integer> reader3 = q.takeAsync(BOUND);
        q.offer(1);
        q.offer(2);
        assertThat(reader1.cancel(false)).isFalse();
        assertThat(Set.of(reader1.get(30, TimeUnit.SECONDS), reader2.get(30, TimeUnit.SECONDS))).isEqualTo(Set.of(1, 2));
        assertThat(reader3.cancel(false)).isTrue();
        assertThat(q.size()).isZero();
        assertThat(q.snapshot().waiting()).isZero();
    }

    /** The same with the puts racing reader1's cancel: the two items reach two readers, whoever wins. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_get_cancel_drop_many_pending_readers(Threads.Flavor flavor) throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        for (int round = 0; round < 2_000; round++) {
            List<CompletableFuture<Integer>> readers = List.of(q.takeAsync(BOUND), q.takeAsync(BOUND), q.takeAsync(BOUND));
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    q.offer(1);
                    q.offer(2);
                } else {
                    cancelled.set(readers.get(0).cancel(false));
                }
            });
            List<Integer> received = new ArrayList<>();
            List<CompletableFuture<Integer>> pending = new ArrayList<>();
            for (CompletableFuture<Integer> reader : readers) {
                if (reader.isCancelled()) {
                    continue;
                }
                if (reader.isDone()) {
                    received.add(reader.get());
                } else {
                    pending.add(reader);
                }
            }
            assertThat(received).as("round %d", round).containsExactlyInAnyOrder(1, 2);
            assertThat(pending).as("round %d: one reader left when the cancel lost", round).hasSize(cancelled.get() ? 0 : 1);
            pending.forEach(reader -> assertThat(reader.cancel(false)).isTrue());
            assertThat(q.size()).isZero();
            assertThat(q.snapshot().waiting()).isZero();
        }
    }

    /**
     * A writer waits on a full queue of 1; a take frees its place, then the writer is cancelled.
     * Here the take admitted its item, so the cancel loses and item 2 is queued (CPython cancels the
     * writer and puts 2 again); either way 2 is taken next and the queue is then empty.
     */
    @Test
    void test_put_cancel_drop() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.create("q", 1);
        q.offer(1);
        CompletableFuture<Void> writer = q.putAsync(2, BOUND);
        assertThat(writer).isNotDone();
        assertThat(q.poll()).isEqualTo(1);
        assertThat(writer.cancel(false)).as("the take had admitted item 2").isFalse();
        writer.get(30, TimeUnit.SECONDS);
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.size()).isZero();
    }

    /** The same with the take and the writer's cancel on two threads; a cancelled writer puts again. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_put_cancel_drop(Threads.Flavor flavor) throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.create("q", 1);
        for (int round = 0; round < 2_000; round++) {
            q.offer(1);
            CompletableFuture<Void> writer = q.putAsync(2, BOUND);
            AtomicReference<Integer> value1 = new AtomicReference<>();
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    value1.set(q.poll());
                } else {
                    cancelled.set(writer.cancel(false));
                }
            });
            assertThat(value1.get()).as("round %d", round).isEqualTo(1);
            if (cancelled.get()) {
                assertThat(q.size()).as("round %d: a withdrawn put leaves nothing", round).isZero();
                q.put(2, BOUND); // try again
            } else {
                writer.get(30, TimeUnit.SECONDS);
            }
            assertThat(q.poll()).as("round %d", round).isEqualTo(2);
            assertThat(q.size()).isZero();
            assertThat(q.snapshot().waiting()).isZero();
        }
        assertThat(q.unfinishedTasks()).as("one task per item queued, none for a withdrawn put").isEqualTo(4_000);
    }

    @Test
    void test_nonblocking_put_exception() {
        BoundedQueue<Integer> q = BoundedQueue.create("q", 1);
        assertThat(q.offer(1)).isTrue();
        assertThat(q.offer(2)).as("asyncio's QueueFull").isFalse();
        assertThatThrownBy(() -> q.put(2, Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void test_put_cancelled() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        CompletableFuture<Void> t = q.putAsync(1, BOUND);
        assertThat(q.take(BOUND)).isEqualTo(1);
        assertThat(t).isCompleted();
    }

    /**
     * Queue of 1: put_a goes in, put_b and put_c wait; put_c is cancelled; the takes get a then b
     * (b admitted by the take of a), and X never enters the queue.
     */
    @Test
    void test_put_cancelled_race() throws Exception {
        BoundedQueue<String> q = BoundedQueue.create("q", 1);
        CompletableFuture<Void> putA = q.putAsync("a", BOUND);
        CompletableFuture<Void> putB = q.putAsync("b", BOUND);
        CompletableFuture<Void> putC = q.putAsync("X", BOUND);
        assertThat(putA).isCompleted();
        assertThat(putB).isNotDone();

        assertThat(putC.cancel(false)).isTrue();
        assertThat(putC).isDone();
        assertThat(q.poll()).isEqualTo("a");
        assertThat(q.poll()).isEqualTo("b");
        putB.get(30, TimeUnit.SECONDS);
        assertThat(q.poll()).as("X was withdrawn").isNull();
        assertThat(q.snapshot().waiting()).isZero();
    }

    /**
     * The same with put_c's cancel racing the take of b, which frees put_c's place: either the
     * cancel won and X never entered, or the take admitted X first and cancel returned false.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_put_cancelled_race(Threads.Flavor flavor) throws Exception {
        BoundedQueue<String> q = BoundedQueue.create("q", 1);
        for (int round = 0; round < 2_000; round++) {
            q.putAsync("a", BOUND);
            CompletableFuture<Void> putB = q.putAsync("b", BOUND);
            CompletableFuture<Void> putC = q.putAsync("X", BOUND);
            List<String> taken = new ArrayList<>();
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    taken.add(q.poll());
                    taken.add(q.poll());
                } else {
                    cancelled.set(putC.cancel(false));
                }
            });
            assertThat(taken).as("round %d", round).containsExactly("a", "b");
            assertThat(putB).isCompleted();
            if (cancelled.get()) {
                assertThat(q.poll()).as("round %d: X was withdrawn", round).isNull();
            } else {
                putC.get(30, TimeUnit.SECONDS);
                assertThat(q.poll()).as("round %d: X was admitted", round).isEqualTo("X");
            }
            assertThat(q.size()).isZero();
            assertThat(q.snapshot().waiting()).isZero();
        }
    }

    @Test
    void test_put_with_waiting_getters() throws Exception {
        BoundedQueue<String> q = BoundedQueue.unbounded("q");
        CompletableFuture<String> t = q.takeAsync(BOUND);
        q.put("a", BOUND);
        assertThat(t.get(30, TimeUnit.SECONDS)).isEqualTo("a");
    }

    /**
     * gh-87395: four putters on a queue of 2 and a getter that takes what is there: the two waiting
     * putters are admitted by the getter's takes, and every put ends.
     */
    @Test
    void test_why_are_putters_waiting() throws Exception {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 2);
        List<CompletableFuture<Void>> putters = new ArrayList<>();
        for (int item = 0; item < 4; item++) {
            putters.add(queue.putAsync(item, BOUND));
        }
        int num = queue.size();
        for (int i = 0; i < num; i++) {
            queue.poll();
        }
        CompletableFuture.allOf(putters.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.snapshot().waiting()).isZero();
    }

    /** A waiting putter, cancelled, leaves the putters (and its item stays out). */
    @Test
    void test_cancelled_puts_not_being_held_in_self_putters() throws Exception {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 1);
        queue.offer(1);
        CompletableFuture<Void> putTask = queue.putAsync(1, BOUND);
        assertThat(queue.snapshot().waiting()).isEqualTo(1);
        assertThat(putTask.cancel(false)).isTrue();
        assertThat(putTask).isCancelled();
        assertThat(queue.snapshot().waiting()).isZero();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.unfinishedTasks()).isEqualTo(1);
    }

    /**
     * A take admits the waiting putter, then the putter is cancelled: CPython's cancel must not
     * fail (its {@code ValueError} from {@code _putters.remove} is silenced); here the cancel simply
     * loses, the put completed and its item is queued.
     */
    @Test
    void test_cancelled_put_silence_value_error_exception() throws Exception {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 1);
        queue.offer(1);
        CompletableFuture<Void> putTask = queue.putAsync(1, BOUND);
        queue.poll();
        assertThat(putTask.cancel(false)).isFalse();
        putTask.get(30, TimeUnit.SECONDS);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.snapshot().waiting()).isZero();
    }
}
