package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.signalbox.core.BoundedQueue;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_queues.py}, class {@code PriorityQueueTests}
 * (3.13): asyncio's {@code PriorityQueue()} is {@link BoundedQueue#unboundedPriority} with
 * {@link Comparator#naturalOrder()} (asyncio compares the items themselves; the comparator is
 * required here). Nothing is left out. A deliberate difference, beyond CPython's test: items that
 * compare equal leave in the order they entered ({@code heapq} gives no such order, hence
 * asyncio's {@code (priority, count, item)} idiom), checked by {@link #test_order_of_equal_items}.
 */
class AsyncioPriorityQueueTests {

    private static final Duration BOUND = Threads.BOUND;

    @Test
    void test_order() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unboundedPriority("q", Comparator.naturalOrder());
        for (int i : new int[] {1, 3, 2}) {
            q.put(i, BOUND);
        }
        assertThat(List.of(q.take(BOUND), q.take(BOUND), q.take(BOUND))).containsExactly(1, 2, 3);
    }

    /** Not in CPython: equal priorities leave first in, first out. */
    @Test
    void test_order_of_equal_items() throws Exception {
        BoundedQueue<String> q = BoundedQueue.unboundedPriority("q", Comparator.comparing(s -> s.charAt(0)));
        for (String item : new String[] {"b1", "a1", "b2", "a2", "b3"}) {
            q.put(item, BOUND);
        }
        assertThat(List.of(q.take(BOUND), q.take(BOUND), q.take(BOUND), q.take(BOUND), q.take(BOUND)))
                .containsExactly("a1", "a2", "b1", "b2", "b3");
    }
}
