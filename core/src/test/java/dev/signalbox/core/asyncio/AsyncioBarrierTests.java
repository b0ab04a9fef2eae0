package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.Barrier;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_locks.py}, class {@code BarrierTests} (3.13),
 * to Signalbox's {@link Barrier}: each test is named after the CPython test it ports. An asyncio task
 * that awaits {@code barrier.wait()} is an {@code awaitAsync} future here (a follow-up wait is
 * chained on it, as the task's next line would be), or a thread for the blocking form; cancelling
 * the task is cancelling the future; {@code n_waiting} is {@link Barrier#waiting()}, {@code broken}
 * is {@link Barrier#isBroken()}, {@code BrokenBarrierError} is {@link BarrierBrokenException}.
 *
 * <p>No Java meaning, left out: the loop-argument tests, and {@code test_filling_one_task} (a
 * one-party barrier: Signalbox asks for at least two parties, see {@link #test_barrier_parties}).
 * {@code test_context_manager} ports to the index the wait returns ({@code async with barrier as i}).
 * {@code test_repr} ports to {@code toString()}.
 *
 * <p>Deliberate differences, which change what some ports check:
 * <ul>
 * <li>No draining state. asyncio releases a generation in a "draining" phase: its tasks leave one by
 * one, and a task that arrives meanwhile blocks until the last has left, and a {@code reset()} or
 * {@code abort()} during it also reaches the tasks still draining. Signalbox releases a generation in
 * one step: every released party already has its index, and an arrival right after it starts the
 * next generation at once. So the {@code *_draining*} ports check that a reset or an abort right
 * after a release never touches the released parties, and fails only the parties that arrived again
 * (which asyncio would have blocked, then failed).</li>
 * <li>Indices: asyncio hands out a task's index when it arrives, so after a cancelled task two tasks
 * can share one; Signalbox hands them out at the release, so a released generation's indices are
 * always exactly {@code 0..parties-1} ({@link #test_filling_tasks_cancel_one} checks it).</li>
 * <li>A one-party barrier is refused ({@code parties} must be at least 2).</li>
 * <li>A blocking party that times out or is interrupted breaks its generation (CyclicBarrier's rule),
 * where an asyncio task would withdraw; the async form withdraws, as asyncio does.</li>
 * </ul>
 */
class AsyncioBarrierTests {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int N = 5;

    private final Barrier barrier = Barrier.create("asyncio-barrier", N);

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_barrier(Threads.Flavor flavor) throws Exception {
        List<Integer> indices = Collections.synchronizedList(new ArrayList<>());
        Threads.runConcurrently(flavor, N, i -> indices.add(barrier.await(BOUND)));
        assertThat(indices).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();

        List<CompletableFuture<Integer>> tasks = tasks(N);
        assertThat(indicesOf(tasks)).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void test_repr() throws Exception {
        assertThat(barrier.toString()).contains("asyncio-barrier").contains("0/5 waiting");
        CompletableFuture<Integer> waiting = barrier.awaitAsync(BOUND);
        assertThat(barrier.toString()).contains("1/5 waiting");
        barrier.abort();
        assertThat(barrier.toString()).contains("broken");
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(BarrierBrokenException.class);
        barrier.reset();
        assertThat(barrier.toString()).contains("0/5 waiting");
    }

    @Test
    void test_barrier_parties() {
        assertThatThrownBy(() -> Barrier.create("zero", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Barrier.create("negative", -4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Barrier.create("one", 1)).as("asyncio allows one party; Signalbox does not")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        assertThat(barrier.parties()).isEqualTo(N);
    }

    /** {@code async with barrier as i}: the value of the wait is the party's index. */
    @Test
    void test_context_manager() throws Exception {
        List<CompletableFuture<Integer>> tasks = tasks(N);
        assertThat(indicesOf(tasks)).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
    }

    @Test
    void test_filling_task_by_task() throws Exception {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N - 1; i++) {
            tasks.add(barrier.awaitAsync(BOUND));
            assertThat(barrier.waiting()).isEqualTo(i + 1);
            assertThat(tasks).noneMatch(CompletableFuture::isDone);
        }
        tasks.add(barrier.awaitAsync(BOUND));
        assertThat(tasks).allMatch(CompletableFuture::isDone);
        assertThat(indicesOf(tasks)).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void test_filling_tasks_wait_twice() throws Exception {
        List<Integer> results = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).thenCompose(first -> {
                results.add(first);
                return barrier.awaitAsync(BOUND);
            }).whenComplete((second, error) -> results.add(second)));
        }
        indicesOf(tasks);
        assertThat(results).hasSize(2 * N);
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void test_filling_tasks_check_return_value() throws Exception {
        AtomicInteger results1 = new AtomicInteger();
        AtomicInteger results2 = new AtomicInteger();
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).thenCompose(first -> {
                if (first == N / 2) {
                    results1.incrementAndGet();
                }
                return barrier.awaitAsync(BOUND);
            }).whenComplete((second, error) -> {
                if (second == N / 2) {
                    results2.incrementAndGet();
                }
            }));
        }
        indicesOf(tasks);
        assertThat(results1.get()).isEqualTo(1);
        assertThat(results2.get()).isEqualTo(1);
        assertThat(barrier.waiting()).isZero();
    }

    /**
     * asyncio checks {@code barrier._state == 'draining'} inside the released tasks. Signalbox has no
     * draining state: from inside a released party, the barrier is already open for the next
     * generation, which counts nobody yet.
     */
    @Test
    void test_draining_state() throws Exception {
        List<Integer> waitingSeenByReleasedParties = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).whenComplete((index, error) -> waitingSeenByReleasedParties.add(barrier.waiting())));
        }
        indicesOf(tasks);
        assertThat(waitingSeenByReleasedParties).hasSize(N).containsOnly(0);
        assertThat(barrier.isBroken()).isFalse();
    }

    /**
     * asyncio blocks tasks that arrive while a generation drains, until it has drained. Here they
     * join the next generation at once, and are released with it whole.
     */
    @Test
    void test_blocking_tasks_while_draining() throws Exception {
        List<CompletableFuture<Integer>> second = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> first = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            first.add(barrier.awaitAsync(BOUND).whenComplete((index, error) -> second.add(barrier.awaitAsync(BOUND))));
        }
        assertThat(indicesOf(first)).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(indicesOf(second)).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
    }

    @Test
    void test_filling_tasks_cancel_one() throws Exception {
        Barrier three = Barrier.create("cancel-one", 3);
        CompletableFuture<Integer> t1 = three.awaitAsync(BOUND);
        assertThat(three.waiting()).isEqualTo(1);
        CompletableFuture<Integer> t2 = three.awaitAsync(BOUND);
        assertThat(three.waiting()).isEqualTo(2);
        assertThat(t1.cancel(false)).isTrue();
        assertThat(three.waiting()).isEqualTo(1);
        assertThat(t1).isCancelled();
        CompletableFuture<Integer> t3 = three.awaitAsync(BOUND);
        assertThat(three.waiting()).isEqualTo(2);
        CompletableFuture<Integer> t4 = three.awaitAsync(BOUND);
        assertThat(indicesOf(List.of(t2, t3, t4))).as("no gap where t1 was").containsExactlyInAnyOrder(0, 1, 2);
        assertThat(three.waiting()).isZero();
        assertThat(three.isBroken()).isFalse();
    }

    @Test
    void test_reset_barrier() {
        barrier.reset();
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_reset_barrier_while_tasks_waiting(Threads.Flavor flavor) throws Exception {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N - 2; i++) {
            tasks.add(barrier.awaitAsync(BOUND));
        }
        AtomicReference<Throwable> blocked = new AtomicReference<>();
        Thread thread = Threads.start(flavor, () -> blocked.set(awaitCatching(barrier)));
        Threads.awaitTrue("N - 1 parties waiting", () -> barrier.waiting() == N - 1);

        barrier.reset();

        Threads.joinAll(List.of(thread));
        assertThat(blocked.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("reset");
        assertAllBroken(tasks, "reset");
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    /** asyncio resets while the tasks drain; here every released party keeps its index whatever a reset right after does. */
    @Test
    void test_reset_barrier_when_tasks_half_draining() throws Exception {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).whenComplete((index, error) -> {
                if (index == 0) {
                    barrier.reset();
                }
            }));
        }
        assertThat(indicesOf(tasks)).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    /**
     * The first {@code N/2} released parties wait again; the next one resets, which fails those
     * {@code N/2} (asyncio's {@code results2}); none of the first waits fails ({@code results1}).
     */
    @Test
    void test_reset_barrier_when_tasks_half_draining_half_blocking() throws Exception {
        int blockingTasks = N / 2;
        AtomicInteger results1 = new AtomicInteger();
        AtomicInteger results2 = new AtomicInteger();
        AtomicInteger count = new AtomicInteger();
        List<CompletableFuture<Integer>> again = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).whenComplete((index, error) -> {
                if (error != null) {
                    results1.incrementAndGet();
                } else if (count.incrementAndGet() <= blockingTasks) {
                    again.add(barrier.awaitAsync(BOUND).whenComplete((second, broken) -> {
                        if (broken instanceof BarrierBrokenException) {
                            results2.incrementAndGet();
                        }
                    }));
                } else if (count.get() == blockingTasks + 1) {
                    barrier.reset();
                }
            }));
        }
        indicesOf(tasks);
        assertAllBroken(again, "reset");
        assertThat(results1.get()).isZero();
        assertThat(results2.get()).isEqualTo(blockingTasks);
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void test_reset_barrier_while_tasks_waiting_and_waiting_again() throws Exception {
        List<CompletableFuture<Integer>> first = new ArrayList<>();
        for (int i = 0; i < N - 1; i++) {
            first.add(barrier.awaitAsync(BOUND));
        }
        barrier.reset();
        assertAllBroken(first, "reset");
        assertThat(indicesOf(tasks(N))).as("usable at once after the reset").containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    /**
     * Released parties each wait again; once all but one have, a reset fails them; the last one's
     * second wait then starts a fresh generation, which N - 1 more arrivals complete.
     */
    @Test
    void test_reset_barrier_while_tasks_draining() throws Exception {
        List<CompletableFuture<Integer>> again = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        AtomicInteger released = new AtomicInteger();
        AtomicReference<CompletableFuture<Integer>> last = new AtomicReference<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).whenComplete((index, error) -> {
                if (released.incrementAndGet() < N) {
                    again.add(barrier.awaitAsync(BOUND));
                } else {
                    barrier.reset();
                    last.set(barrier.awaitAsync(BOUND));
                }
            }));
        }
        indicesOf(tasks);
        assertAllBroken(again, "reset");
        assertThat(barrier.waiting()).isEqualTo(1);
        List<CompletableFuture<Integer>> fresh = new ArrayList<>(tasks(N - 1));
        fresh.add(last.get());
        assertThat(indicesOf(fresh)).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.isBroken()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_abort_barrier(Threads.Flavor flavor) throws Exception {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N - 2; i++) {
            tasks.add(barrier.awaitAsync(BOUND));
        }
        AtomicReference<Throwable> blocked = new AtomicReference<>();
        Thread thread = Threads.start(flavor, () -> blocked.set(awaitCatching(barrier)));
        Threads.awaitTrue("N - 1 parties waiting", () -> barrier.waiting() == N - 1);

        barrier.abort();

        Threads.joinAll(List.of(thread));
        assertThat(blocked.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("aborted");
        assertAllBroken(tasks, "aborted");
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isTrue();
        assertThatThrownBy(() -> barrier.await(BOUND)).as("fails at once while broken").isInstanceOf(BarrierBrokenException.class);
        assertAllBroken(List.of(barrier.awaitAsync(BOUND)), "aborted");
    }

    @Test
    void test_abort_barrier_when_tasks_half_draining_half_blocking() throws Exception {
        int blockingTasks = N / 2;
        AtomicInteger count = new AtomicInteger();
        List<CompletableFuture<Integer>> again = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).whenComplete((index, error) -> {
                int c = count.incrementAndGet();
                if (c <= blockingTasks) {
                    again.add(barrier.awaitAsync(BOUND));
                } else if (c == blockingTasks + 1) {
                    barrier.abort();
                } else {
                    again.add(barrier.awaitAsync(BOUND)); // arrives at a broken barrier: fails at once
                }
            }));
        }
        assertThat(indicesOf(tasks)).as("the released generation is not touched").containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(again).hasSize(N - 1);
        assertAllBroken(again, "aborted");
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isTrue();
    }

    /** The party with index N/2 "raises" and aborts instead of waiting again: every other second wait fails. */
    @Test
    void test_abort_barrier_when_exception() throws Exception {
        List<CompletableFuture<Integer>> again = abortWhenOnePartyFails();
        assertAllBroken(again, "aborted");
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isTrue();
    }

    @Test
    void test_abort_barrier_when_exception_then_resetting() throws Exception {
        List<CompletableFuture<Integer>> again = abortWhenOnePartyFails();
        assertAllBroken(again, "aborted");
        assertThat(barrier.isBroken()).isTrue();
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        assertThat(indicesOf(tasks(N))).containsExactlyInAnyOrderElementsOf(range(N));
        assertThat(barrier.waiting()).isZero();
    }

    private List<CompletableFuture<Integer>> abortWhenOnePartyFails() throws Exception {
        List<CompletableFuture<Integer>> again = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            tasks.add(barrier.awaitAsync(BOUND).whenComplete((index, error) -> {
                if (index == N / 2) {
                    barrier.abort(); // asyncio: except RuntimeError: barrier.abort()
                } else {
                    again.add(barrier.awaitAsync(BOUND));
                }
            }));
        }
        indicesOf(tasks);
        assertThat(again).hasSize(N - 1);
        return again;
    }

    private List<CompletableFuture<Integer>> tasks(int count) {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(barrier.awaitAsync(BOUND));
        }
        return tasks;
    }

    private static List<Integer> indicesOf(List<CompletableFuture<Integer>> tasks) throws Exception {
        List<Integer> indices = new ArrayList<>();
        for (CompletableFuture<Integer> task : List.copyOf(tasks)) {
            indices.add(task.get(30, TimeUnit.SECONDS));
        }
        return indices;
    }

    private static void assertAllBroken(List<CompletableFuture<Integer>> tasks, String reason) {
        for (CompletableFuture<Integer> task : List.copyOf(tasks)) {
            assertThatThrownBy(() -> task.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(BarrierBrokenException.class).hasMessageContaining(reason);
        }
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static Throwable awaitCatching(Barrier barrier) {
        try {
            barrier.await(BOUND);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
