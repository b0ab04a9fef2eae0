package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.signalbox.core.BoundedQueue;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_queues.py}, class {@code LifoQueueTests}
 * (3.13): asyncio's {@code LifoQueue()} is {@link BoundedQueue#unboundedLifo}. Nothing is left out.
 */
class AsyncioLifoQueueTests {

    private static final Duration BOUND = Threads.BOUND;

    @Test
    void test_order() throws Exception {
        BoundedQueue<Integer> q = BoundedQueue.unboundedLifo("q");
        for (int i : new int[] {1, 3, 2}) {
            q.put(i, BOUND);
        }
        assertThat(List.of(q.take(BOUND), q.take(BOUND), q.take(BOUND))).containsExactly(2, 3, 1);
    }
}
