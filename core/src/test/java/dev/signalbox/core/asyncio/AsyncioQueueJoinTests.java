package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.BoundedQueue;
import dev.signalbox.core.QueueForm;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_queues.py}, {@code _QueueJoinTestMixin}
 * (3.13), which CPython runs as {@code QueueJoinTests}, {@code LifoQueueJoinTests} and
 * {@code PriorityQueueJoinTests}: here each test runs for every {@link QueueForm} (FIFO, LIFO,
 * priority; unbounded, as CPython's {@code q_class()}). Each test is named after the CPython test it
 * ports. {@code task_done} is {@code taskDone}, {@code join} is {@code join}. Left out, with no
 * Java meaning: {@code test_format} (the private {@code _format}; {@code unfinishedTasks()} is
 * public here). A deliberate difference: a {@code taskDone} with nothing unfinished throws
 * {@link IllegalStateException} where asyncio raises {@code ValueError}.
 */
class AsyncioQueueJoinTests {

    private static final Duration BOUND = Threads.BOUND;

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_task_done_underflow(QueueForm form) {
        BoundedQueue<Integer> q = form.unbounded("q");
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        // A worker that saw running == false before it took again left its sentinel queued (as in CPython).
        assertThat(q.unfinishedTasks()).as("only the sentinels left queued are unfinished").isEqualTo(q.size());
    }

    /**
     * 100 items, two workers that take and mark each done; the join returns once all are
     * processed, then the workers are stopped by one more item each (marked done too).
     */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_task_done(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.unbounded("q");
        for (int i = 0; i < 100; i++) {
            q.offer(i);
        }
        AtomicInteger accumulator = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Threads.Call> tasks = new ArrayList<>();
        for (Threads.Flavor flavor : Threads.Flavor.values()) {
            tasks.add(Threads.call(flavor, ignored -> {
                while (running.get()) {
                    int item = q.take(BOUND);
                    accumulator.addAndGet(item);
                    q.taskDone();
                }
            }));
        }
        q.join(BOUND);
        assertThat(accumulator.get()).isEqualTo(99 * 100 / 2);

        // close running workers
        running.set(false);
        for (int i = 0; i < tasks.size(); i++) {
            q.offer(0);
        }
        for (Threads.Call task : tasks) {
            task.joinSuccessfully();
        }
        // A worker that saw running == false before it took again left its sentinel queued (as in CPython).
        assertThat(q.unfinishedTasks()).as("only the sentinels left queued are unfinished").isEqualTo(q.size());
    }

    /** A join on a queue that never had an item returns at once (twice for insurance), in both forms. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_join_empty_queue(QueueForm form) throws Exception {
        BoundedQueue<Integer> q = form.unbounded("q");
        q.join(BOUND);
        q.join(BOUND);
        q.join(Duration.ZERO);
        assertThat(q.joinAsync(BOUND).get(30, TimeUnit.SECONDS)).isNull();
    }
}
