package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.BoundedQueue;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_queues.py}, class {@code QueueGetTests}
 * (3.13), to Signalbox's {@link BoundedQueue}; each test is named after the CPython test it ports.
 * {@code await q.get()} is {@code take} (a thread, where the test needs one to block) or a
 * {@code takeAsync} future (an asyncio task waiting in {@code get()}); cancelling the task is
 * cancelling the future; {@code get_nowait()} is {@code poll()}, which returns null where asyncio
 * raises {@code QueueEmpty}. Nothing is left out. Deliberate differences:
 * <ul>
 * <li>{@code test_get_with_putters} appends a bare future to the private {@code _putters}; here the
 *     putter is a real {@code putAsync} waiting for room, and the take admits its item.</li>
 * <li>{@code test_cancelled_getters_not_being_held_in_self_getters} reads the private
 *     {@code _getters}; here {@code snapshot().waiting()} is checked. asyncio's
 *     {@code wait_for(q.get(), 0.1)} is a take with a timeout, which fails with
 *     {@link GuardTimeoutException} (asyncio's {@code TimeoutError}).</li>
 * <li>An item put while takers wait is handed straight to the oldest one (asyncio only wakes it,
 *     and the woken task takes an item when it next runs): so a take cancelled after the put that
 *     served it is not cancelled ({@code cancel} returns false) and has the item. Either way no
 *     item is lost or taken twice, which {@code test_get_cancelled_race} also checks with the cancel
 *     and the put racing on two threads, 2,000 rounds, platform and virtual.</li>
 * </ul>
 */
class AsyncioQueueGetTests {

    private static final Duration BOUND = Threads.BOUND;

    @Test
    void test_blocking_get() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        assertThat(q.offer(1)).isTrue();
        assertThat(q.take(BOUND)).isEqualTo(1);
    }

    /** A take from a full queue admits the waiting putter's item into the freed place. */
    @Test
    void test_get_with_putters() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.create("q", 1);
        q.put(1, BOUND);
        CompletableFuture<Void> waiter = q.putAsync(2, BOUND);
        assertThat(waiter).isNotDone();

        assertThat(q.take(BOUND)).isEqualTo(1);
        assertThat(waiter).isCompleted();
        assertThat(waiter.get()).isNull();
        assertThat(q.poll()).isEqualTo(2);
    }

    @Test
    void test_blocking_get_wait() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        AtomicBoolean finished = new AtomicBoolean();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Threads.Call getter = Threads.call(Threads.Flavor.PLATFORM, ignored -> {
            result.complete(q.take(BOUND));
            finished.set(true);
        });
        Threads.awaitTrue("the getter waits", () -> q.snapshot().waiting() == 1);
        assertThat(finished).isFalse();
        q.offer(1);
        getter.joinSuccessfully();
        assertThat(finished).isTrue();
        assertThat(result.get()).isEqualTo(1);
    }

    @Test
    void test_nonblocking_get() {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        q.offer(1);
        assertThat(q.poll()).isEqualTo(1);
    }

    /** asyncio's {@code QueueEmpty} is poll's null (and a zero-timeout take's {@link GuardTimeoutException}). */
    @Test
    void test_nonblocking_get_exception() {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        assertThat(q.poll()).isNull();
        assertThatThrownBy(() -> q.take(Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
    }

    /** t1 and t2 wait; t1 is cancelled; the item put next goes to t2, not to the cancelled t1. */
    @Test
    void test_get_cancelled_race() throws Exception {
        BoundedQueue<String> q = BoundedQueue.unbounded("q");
        CompletableFuture<String> t1 = q.takeAsync(BOUND);
        CompletableFuture<String> t2 = q.takeAsync(BOUND);
        assertThat(t1.cancel(false)).isTrue();
        assertThat(t1).isDone();
        q.put("a", BOUND);
        assertThat(t2.get(30, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(q.size()).isZero();
        assertThat(q.snapshot().waiting()).isZero();
    }

    /**
     * The same, with the cancel of t1 and the put racing on two threads: either the cancel won (t2
     * has the item) or the put did (t1 has it, cancel returned false, t2 still waits and gets the
     * next item). Never lost, never delivered twice.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_get_cancelled_race(Threads.Flavor flavor) throws Exception {
        BoundedQueue<String> q = BoundedQueue.unbounded("q");
        for (int round = 0; round < 2_000; round++) {
            CompletableFuture<String> t1 = q.takeAsync(BOUND);
            CompletableFuture<String> t2 = q.takeAsync(BOUND);
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    q.put("a", BOUND);
                } else {
                    cancelled.set(t1.cancel(false));
                }
            });
            if (cancelled.get()) {
                assertThat(t1).as("round %d", round).isCancelled();
                assertThat(t2.get(30, TimeUnit.SECONDS)).as("round %d", round).isEqualTo("a");
            } else {
                assertThat(t1.get(30, TimeUnit.SECONDS)).as("round %d", round).isEqualTo("a");
                assertThat(t2).as("round %d", round).isNotDone();
                q.put("b", BOUND);
                assertThat(t2.get(30, TimeUnit.SECONDS)).isEqualTo("b");
            }
            assertThat(q.size()).as("round %d", round).isZero();
            assertThat(q.snapshot().waiting()).as("round %d", round).isZero();
        }
    }

    /** Two putters wait on a full queue of 1; takes get their items in the order they were put. */
    @Test
    void test_get_with_waiting_putters() throws Exception {
        BoundedQueue<String> q = BoundedQueue.create("q", 1);
        CompletableFuture<Void> a = q.putAsync("a", BOUND);
        CompletableFuture<Void> b = q.putAsync("b", BOUND);
        assertThat(q.take(BOUND)).isEqualTo("a");
        assertThat(q.take(BOUND)).isEqualTo("b");
        assertThat(a).isCompleted();
        assertThat(b).isCompleted();
    }

    /** gh-87395: a producer and a consumer of five items through a queue of 1 both finish (nobody waits forever). */
    @Test
    void test_why_are_getters_waiting() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.create("q", 1);
        int producerNumItems = 5;
        Threads.Call producer = Threads.call(Threads.Flavor.PLATFORM, ignored -> {
            for (int i = 0; i < producerNumItems; i++) {
                q.put(i, BOUND);
            }
        });
        Threads.Call consumer = Threads.call(Threads.Flavor.VIRTUAL, ignored -> {
            for (int i = 0; i < producerNumItems; i++) {
                q.take(BOUND);
            }
        });
        producer.joinSuccessfully();
        consumer.joinSuccessfully();
        assertThat(q.size()).isZero();
        assertThat(q.snapshot().waiting()).isZero();
    }

    /** A take that timed out leaves no waiter behind, in both forms. */
    @Test
    void test_cancelled_getters_not_being_held_in_self_getters() throws Exception {
        BoundedQueue<Integer> queue = BoundedQueue.create("q", 5);
        assertThatThrownBy(() -> queue.take(Duration.ofMillis(100))).isInstanceOf(GuardTimeoutException.class);
        assertThat(queue.snapshot().waiting()).isZero();

        CompletableFuture<Integer> timed = queue.takeAsync(Duration.ofMillis(100));
        assertThat(timed).failsWithin(BOUND).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(GuardTimeoutException.class);
        Threads.awaitTrue("the timed-out async taker left", () -> queue.snapshot().waiting() == 0);
    }
}
