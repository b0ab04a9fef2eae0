package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.signalbox.core.BoundedQueue;
import dev.signalbox.core.QueueForm;
import dev.signalbox.core.QueueShutDownException;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_queues.py}, {@code _QueueShutdownTestMixin}
 * (3.13), which CPython runs as {@code QueueShutdownTests}, {@code LifoQueueShutdownTests} and
 * {@code PriorityQueueShutdownTests}: here each test runs for every {@link QueueForm}. Each test is
 * named after the CPython test it ports. {@code shutdown(immediate)} is {@code shutdown(boolean)},
 * asyncio's {@code QueueShutDown} is {@link QueueShutDownException}; a task waiting in
 * {@code get()}, {@code put()} or {@code join()} is a {@code takeAsync}, {@code putAsync} or
 * {@code joinAsync} future.
 *
 * <p>3.13's mixin has {@code test_format} (left out: the private {@code _format}),
 * {@code test_shutdown_empty}, {@code test_shutdown_nonempty}, {@code test_shutdown_immediate} and
 * {@code test_shutdown_immediate_with_unfinished}. The mixin of the 3.13 pre-releases (gh-96471's
 * first version) also had {@code test_shutdown_putters_deque}, {@code test_shutdown_getters_deque},
 * their {@code immediate} twins, {@code test_shutdown_get_task_done_join} and
 * {@code test_shutdown_all_methods_in_one_task} (and its {@code immediate} twin): they are ported
 * too, with 3.13's final semantics where the draft differed (the draft's {@code shutdown()} left a
 * waiting getter pending, and after {@code shutdown(immediate=True)} its {@code task_done} and
 * {@code join} raised {@code QueueShutDown}; 3.13 wakes the getters, which raise once the queue is
 * empty, and counts each dropped item as done, so {@code taskDone} underflows and {@code join}
 * returns). Left out from the draft: {@code test_shutdown_repr} and
 * {@code test_shutdown_allowed_transitions} (a private state enum), and
 * {@code test_shutdown_get}/{@code _put}/{@code _put_join} and their twins, which order tasks by
 * sleeping and are covered by the tests above.
 *
 * <p>Deliberate differences: {@code taskDone} underflow throws {@link IllegalStateException} (asyncio:
 * {@code ValueError}); a {@code shutdown} decides every waiter at once, under the queue's lock, where
 * asyncio wakes them and each decides when it next runs. The private {@code _putters},
 * {@code _getters} and {@code _unfinished_tasks} read by the draft's tests are
 * {@code snapshot().waiting()} and {@code unfinishedTasks()}. The cancel-versus-shutdown cases
 * ({@code test_shutdown_putters_deque}, {@code test_shutdown_getters_deque} and their twins) run with
 * the cancel and the shutdown racing on two threads, 2,000 rounds, platform and virtual: the waiter
 * ends either cancelled or refused with {@link QueueShutDownException}, never queued, never lost.
 */
class AsyncioQueueShutdownTests {

    private static final Duration BOUND = Threads.BOUND;

    static Stream<Arguments> formsAndFlavors() {
        List<Arguments> arguments = new ArrayList<>();
        for (QueueForm form : QueueForm.values()) {
            for (Threads.Flavor flavor : Threads.Flavor.values()) {
                arguments.add(Arguments.of(form, flavor));
            }
        }
        return arguments.stream();
    }

    private static void assertRaisesShutdown(ThrowingCallable call) {
        assertThatThrownBy(call).as("Didn't appear to shut-down queue").isInstanceOf(QueueShutDownException.class);
    }

    private static void assertFailsWithShutdown(CompletableFuture<?> future) {
        assertThat(future).failsWithin(BOUND).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(QueueShutDownException.class);
    }

    /** Every put and get form raises after a shutdown. */
    private static void assertPutAndGetRaise(BoundedQueue<String> q) {
        assertRaisesShutdown(() -> q.put("data", BOUND));
        assertRaisesShutdown(() -> q.offer("data"));
        assertFailsWithShutdown(q.putAsync("data", BOUND));
        assertRaisesShutdown(() -> q.take(BOUND));
        assertRaisesShutdown(q::poll);
        assertFailsWithShutdown(q.takeAsync(BOUND));
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_empty(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        CompletableFuture<String> getTask = q.takeAsync(BOUND);

        q.shutdown(false); // unfinished tasks: 0 -> 0
        assertThat(q.size()).isZero();
        q.join(BOUND);
        assertThat(getTask).isDone();
        assertFailsWithShutdown(getTask);

        assertPutAndGetRaise(q);
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_nonempty(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.bounded("q", 1);
        q.offer("data");
        CompletableFuture<Void> joinTask = q.joinAsync(BOUND);
        CompletableFuture<Void> putTask = q.putAsync("data2", BOUND);
        assertThat(putTask).isNotDone();

        q.shutdown(false); // unfinished tasks: 1 -> 1
        assertThat(q.size()).isEqualTo(1);
        assertThat(putTask).isDone();
        assertFailsWithShutdown(putTask);

        assertThat(q.take(BOUND)).as("get() succeeds on the enqueued item").isEqualTo("data");
        assertThat(joinTask).isNotDone();
        assertPutAndGetRaise(q);

        q.taskDone();
        assertThat(joinTask.get(30, TimeUnit.SECONDS)).isNull();
        assertThatThrownBy(q::taskDone).as("Didn't appear to mark all tasks done").isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_immediate(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        q.offer("data");
        CompletableFuture<Void> joinTask = q.joinAsync(BOUND);

        q.shutdown(true); // unfinished tasks: 1 -> 0
        assertThat(q.size()).isZero();
        assertThat(joinTask).isDone();
        assertThat(joinTask.get()).isNull();

        assertPutAndGetRaise(q);
        assertThatThrownBy(q::taskDone).as("Didn't appear to mark all tasks done").isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_immediate_with_unfinished(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        q.offer("data");
        q.offer("data");
        CompletableFuture<Void> joinTask = q.joinAsync(BOUND);
        assertThat(q.take(BOUND)).isEqualTo("data");

        q.shutdown(true); // unfinished tasks: 2 -> 1
        assertThat(q.size()).isZero();
        assertThat(joinTask).isNotDone();
        assertPutAndGetRaise(q);

        q.taskDone(); // the one unfinished task
        assertThatThrownBy(q::taskDone).as("Didn't appear to mark all tasks done").isInstanceOf(IllegalStateException.class);
        assertThat(joinTask.get(30, TimeUnit.SECONDS)).isNull();
    }

    // ------------------------------------------------------------ from the 3.13 pre-release mixin

    /** A putter waits on a full queue; the shutdown refuses it and it leaves the putters. */
    private static void shutdownPutters(QueueForm form, boolean immediate) {
        BoundedQueue<String> q = form.bounded("q", 2);
        q.offer("E");
        q.offer("W");
        CompletableFuture<Void> t = q.putAsync("Y", BOUND);
        assertThat(q.snapshot().waiting()).isEqualTo(1);
        q.shutdown(immediate);
        assertFailsWithShutdown(t);
        assertThat(q.snapshot().waiting()).isZero();
        assertThat(q.size()).isEqualTo(immediate ? 0 : 2);
        assertThat(q.unfinishedTasks()).isEqualTo(immediate ? 0 : 2);
    }

    /** The putter's cancel races the shutdown: it ends cancelled or refused, and Y is never queued. */
    private static void shutdownPuttersRace(QueueForm form, Threads.Flavor flavor, boolean immediate) throws Exception {
        for (int round = 0; round < 2_000; round++) {
            BoundedQueue<String> q = form.bounded("q", 2);
            q.offer("E");
            q.offer("W");
            CompletableFuture<Void> t = q.putAsync("Y", BOUND);
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    q.shutdown(immediate);
                } else {
                    cancelled.set(t.cancel(false));
                }
            });
            if (cancelled.get()) {
                assertThat(t).as("round %d", round).isCancelled();
            } else {
                assertFailsWithShutdown(t);
            }
            assertThat(q.snapshot().waiting()).as("round %d", round).isZero();
            assertThat(q.size()).as("round %d", round).isEqualTo(immediate ? 0 : 2);
            assertThat(q.unfinishedTasks()).as("round %d", round).isEqualTo(immediate ? 0 : 2);
            if (!immediate) {
                List<String> left = List.of(q.poll(), q.poll());
                assertThat(left).as("round %d: Y never entered", round).containsExactlyInAnyOrder("E", "W");
                assertRaisesShutdown(q::poll);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_putters_deque(QueueForm form) {
        shutdownPutters(form, false);
    }

    @ParameterizedTest
    @MethodSource("formsAndFlavors")
    void test_shutdown_putters_deque(QueueForm form, Threads.Flavor flavor) throws Exception {
        shutdownPuttersRace(form, flavor, false);
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_immediate_putters_deque(QueueForm form) {
        shutdownPutters(form, true);
    }

    @ParameterizedTest
    @MethodSource("formsAndFlavors")
    void test_shutdown_immediate_putters_deque(QueueForm form, Threads.Flavor flavor) throws Exception {
        shutdownPuttersRace(form, flavor, true);
    }

    /**
     * A queue of 1 holds Y; a first getter takes it, a second waits. The shutdown (either kind; the
     * queue is empty) refuses the waiting getter at once (the draft left it pending after
     * {@code shutdown()}; 3.13 wakes it and it raises); Y's task stays unfinished.
     */
    private static void shutdownGetters(QueueForm form, boolean immediate) throws Exception {
        BoundedQueue<String> q = form.bounded("q", 1);
        q.offer("Y");
        int nb = q.size();
        assertThat(q.takeAsync(BOUND).get(30, TimeUnit.SECONDS)).isEqualTo("Y");
        CompletableFuture<String> t = q.takeAsync(BOUND);
        assertThat(q.snapshot().waiting()).isEqualTo(1);
        q.shutdown(immediate);
        assertFailsWithShutdown(t);
        assertThat(q.snapshot().waiting()).isZero();
        assertThat(q.unfinishedTasks()).isEqualTo(nb);
    }

    /** The getter's cancel races the shutdown: it ends cancelled or refused, and Y's task is still unfinished. */
    private static void shutdownGettersRace(QueueForm form, Threads.Flavor flavor, boolean immediate) throws Exception {
        for (int round = 0; round < 2_000; round++) {
            BoundedQueue<String> q = form.bounded("q", 1);
            q.offer("Y");
            assertThat(q.poll()).isEqualTo("Y");
            CompletableFuture<String> t = q.takeAsync(BOUND);
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    q.shutdown(immediate);
                } else {
                    cancelled.set(t.cancel(false));
                }
            });
            if (cancelled.get()) {
                assertThat(t).as("round %d", round).isCancelled();
            } else {
                assertFailsWithShutdown(t);
            }
            assertThat(q.snapshot().waiting()).as("round %d", round).isZero();
            assertThat(q.unfinishedTasks()).as("round %d", round).isEqualTo(1);
            assertRaisesShutdown(q::poll);
        }
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_getters_deque(QueueForm form) throws Exception {
        shutdownGetters(form, false);
    }

    @ParameterizedTest
    @MethodSource("formsAndFlavors")
    void test_shutdown_getters_deque(QueueForm form, Threads.Flavor flavor) throws Exception {
        shutdownGettersRace(form, flavor, false);
    }

    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_immediate_getters_deque(QueueForm form) throws Exception {
        shutdownGetters(form, true);
    }

    @ParameterizedTest
    @MethodSource("formsAndFlavors")
    void test_shutdown_immediate_getters_deque(QueueForm form, Threads.Flavor flavor) throws Exception {
        shutdownGettersRace(form, flavor, true);
    }

    /**
     * A full queue of 2 (Y, D); two joiners wait; the queue is shut down; then two getters (threads,
     * one platform and one virtual) each take an item and mark it done. Both get a different item,
     * both joins return and nothing is unfinished.
     */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_get_task_done_join(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.bounded("q", 2);
        q.offer("Y");
        q.offer("D");
        assertThat(q.unfinishedTasks()).isEqualTo(q.size());
        CompletableFuture<Void> join1 = q.joinAsync(BOUND);
        Threads.Call join2 = Threads.call(Threads.Flavor.PLATFORM, ignored -> q.join(BOUND));

        q.shutdown(false);
        List<CompletableFuture<String>> got = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        List<Threads.Call> getters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<String> result = got.get(i);
            getters.add(Threads.call(Threads.Flavor.values()[i], ignored -> {
                String msg = q.take(BOUND);
                q.taskDone();
                result.complete(msg);
            }));
        }
        for (Threads.Call getter : getters) {
            getter.joinSuccessfully();
        }
        join2.joinSuccessfully();
        assertThat(join1.get(30, TimeUnit.SECONDS)).isNull();
        assertThat(List.of(got.get(0).get(), got.get(1).get())).containsExactlyInAnyOrder("Y", "D");
        assertThat(q.unfinishedTasks()).isZero();
    }

    /** One caller, every method, after {@code shutdown()}: the items left are still handed out, then takes raise. */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_all_methods_in_one_task(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        q.put("L", BOUND);
        q.offer("O");
        q.shutdown(false);
        assertRaisesShutdown(() -> q.put("E", BOUND));
        assertRaisesShutdown(() -> q.offer("W"));

        assertThat(q.take(BOUND)).isIn("L", "O");
        q.taskDone();
        assertThat(q.poll()).isIn("L", "O");
        q.taskDone();
        q.join(BOUND);
        assertRaisesShutdown(() -> q.take(BOUND));
        assertRaisesShutdown(q::poll);
    }

    /**
     * The same after {@code shutdown(true)}: the items are dropped and counted done, so (3.13, unlike
     * the draft, which raised {@code QueueShutDown} there) {@code taskDone} underflows and {@code join} returns.
     */
    @ParameterizedTest
    @EnumSource(QueueForm.class)
    void test_shutdown_immediate_all_methods_in_one_task(QueueForm form) throws Exception {
        BoundedQueue<String> q = form.unbounded("q");
        q.put("L", BOUND);
        q.offer("O");
        q.shutdown(true);
        assertRaisesShutdown(() -> q.put("E", BOUND));
        assertRaisesShutdown(() -> q.offer("W"));

        assertRaisesShutdown(() -> q.take(BOUND));
        assertRaisesShutdown(q::poll);
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        q.join(BOUND);
    }
}
