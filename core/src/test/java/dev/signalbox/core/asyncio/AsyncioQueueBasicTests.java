package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.signalbox.core.BoundedQueue;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_queues.py}, class {@code QueueBasicTests}
 * (3.13), to Signalbox's {@link BoundedQueue}; each test is named after the CPython test it ports.
 * asyncio's {@code Queue()} is {@link BoundedQueue#unbounded}, {@code Queue(maxsize)} is
 * {@link BoundedQueue#create}; {@code qsize()} is {@code size()}, {@code maxsize} is
 * {@code capacity()} (0, {@link BoundedQueue#UNBOUNDED}, for no limit), {@code empty()} is
 * {@code isEmpty()} and {@code full()} is {@code isFull()} (an unbounded queue is never full). Left out, with no Java meaning: {@code test_repr} and
 * {@code test_str} (no {@code repr}; {@code toString} is for logs, not a contract) and
 * {@code test_generic_alias} (Java generics are erased; {@code BoundedQueue<Integer>} is checked by
 * the compiler).
 */
class AsyncioQueueBasicTests {

    private static final Duration BOUND = Threads.BOUND;

    @Test
    void test_empty() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        assertThat(q.isEmpty()).isTrue();
        q.put(1, BOUND);
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.take(BOUND)).isEqualTo(1);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void test_full() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        assertThat(q.isFull()).isFalse();
        assertThat(q.capacity()).isEqualTo(BoundedQueue.UNBOUNDED);

        q = BoundedQueue.create("q", 1);
        assertThat(q.isFull()).isFalse();
        q.put(1, BOUND);
        assertThat(q.isFull()).isTrue();
        q.take(BOUND);
        assertThat(q.isFull()).isFalse();
    }

    @Test
    void test_order() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unbounded("q");
        for (int i : new int[] {1, 3, 2}) {
            q.put(i, BOUND);
        }
        assertThat(List.of(q.take(BOUND), q.take(BOUND), q.take(BOUND))).containsExactly(1, 3, 2);
    }

    /**
     * A producer (a thread here, the task in CPython) puts 0, 1, 2 into a queue of 2: it blocks after
     * two, and the third goes in once a take frees a place.
     */
    @Test
    void test_maxsize() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.create("q", 2);
        assertThat(q.capacity()).isEqualTo(2);
        List<Integer> haveBeenPut = new CopyOnWriteArrayList<>();
        Threads.Call putter = Threads.call(Threads.Flavor.PLATFORM, ignored -> {
            for (int i = 0; i < 3; i++) {
                q.put(i, BOUND);
                haveBeenPut.add(i);
            }
        });
        Threads.awaitTrue("the putter blocked on its third item", () -> q.snapshot().waiting() == 1);
        assertThat(haveBeenPut).as("the putter is blocked after putting two items").containsExactly(0, 1);
        assertThat(q.take(BOUND)).isEqualTo(0);
        putter.joinSuccessfully();
        assertThat(haveBeenPut).containsExactly(0, 1, 2);
        assertThat(q.take(BOUND)).isEqualTo(1);
        assertThat(q.take(BOUND)).isEqualTo(2);
    }
}
