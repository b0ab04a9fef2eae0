package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.signalbox.core.Condition;
import dev.signalbox.core.Fairness;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_locks.py}, class {@code ConditionTests}
 * (3.13), to Signalbox's {@link Condition}; each test is named after the CPython test it ports. A
 * task's {@code async with cond: await cond.wait()} is {@code lock.acquire()} then
 * {@code cond.awaitAsync(permit, timeout)}, whose future completes once the lock is held again;
 * {@code notify} is {@code signal}. Left out: {@code test_repr}, the loop-argument and
 * {@code test_explicit_lock}/{@code test_ambiguous_loops} tests (a condition is always made from its
 * lock here, {@link Lock#newCondition}).
 */
class AsyncioConditionTests {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final Lock lock = Lock.create("asyncio-cond-lock", Fairness.FIFO, PrimitiveListener.NONE);
    private final Condition cond = lock.newCondition("asyncio-cond");

    @AfterEach
    void nothingLeft() throws InterruptedException {
        Threads.awaitTrue("the lock free and no waiter left",
                () -> !lock.isLocked() && cond.snapshot().waiting() == 0 && lock.snapshot().waiting() == 0);
    }

    /** One waiting "task": its permit and the future of its wait, which records its number once it holds the lock again. */
    private record Task(Permit permit, CompletableFuture<Boolean> waited) {
    }

    private Task waitingTask(int number, List<Integer> result) throws InterruptedException {
        Permit permit = lock.acquire(BOUND);
        CompletableFuture<Boolean> waited = cond.awaitAsync(permit, BOUND).thenApply(signalled -> {
            result.add(number);
            return signalled;
        });
        return new Task(permit, waited);
    }

    @Test
    void test_wait() throws Exception {
        List<Integer> result = Collections.synchronizedList(new ArrayList<>());
        Task t1 = waitingTask(1, result);
        Task t2 = waitingTask(2, result);
        Task t3 = waitingTask(3, result);
        assertThat(lock.isLocked()).as("waiting frees the lock").isFalse();
        assertThat(result).isEmpty();

        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signal(1);
            assertThat(result).as("a signalled waiter needs the lock back first").isEmpty();
        }
        assertThat(t1.waited().get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(result).containsExactly(1);
        assertThat(lock.isLocked()).as("t1 holds the lock again").isTrue();
        t1.permit().close();

        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signal(1);
            cond.signal(2048); // more than wait: everyone left
        }
        assertThat(t2.waited().get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(result).containsExactly(1, 2);
        t2.permit().close();
        assertThat(t3.waited().get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(result).containsExactly(1, 2, 3);
        t3.permit().close();
    }

    /** A cancelled wait leaves the condition, and the lock is held for its permit again (then closed). */
    @Test
    void test_wait_cancel() throws Exception {
        Permit permit = lock.acquire(BOUND);
        CompletableFuture<Boolean> wait = cond.awaitAsync(permit, BOUND);
        assertThat(wait.cancel(false)).isTrue();
        assertThat(wait).isCancelled();
        assertThat(cond.snapshot().waiting()).isZero();
        permit.close(); // takes effect once the lock has been re-acquired for it
    }

    /** A wait cancelled while the lock it must re-acquire is held by someone else still ends cancelled, and the lock is not lost. */
    @Test
    void test_wait_cancel_contested() throws Exception {
        Permit permit = lock.acquire(BOUND);
        CompletableFuture<Boolean> wait = cond.awaitAsync(permit, BOUND);
        try (Permit contender = lock.acquire(BOUND)) {
            assertThat(wait.cancel(false)).isTrue();
            assertThat(lock.isLocked()).isTrue();
        }
        assertThat(wait).isCancelled();
        permit.close();
    }

    /**
     * bpo-32841: a wait cancelled after it was signalled, while the signaller still holds the lock,
     * ends cancelled and the lock is held for its permit again (then closed), not lost.
     */
    @Test
    void test_wait_cancel_after_notify() throws Exception {
        Permit permit = lock.acquire(BOUND);
        CompletableFuture<Boolean> wait = cond.awaitAsync(permit, BOUND);
        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signal(1);
            assertThat(wait.cancel(false)).isTrue();
        }
        assertThat(wait).isCancelled();
        permit.close();
    }

    /**
     * gh-112202: a waiter cancelled at the moment a signal wakes it does not lose that wake-up: the
     * signal it had received goes to the next waiter.
     */
    @Test
    void test_cancelled_wakeup() throws Exception {
        Permit p1 = lock.acquire(BOUND);
        CompletableFuture<Boolean> w1 = cond.awaitAsync(p1, BOUND);
        Permit p2 = lock.acquire(BOUND);
        CompletableFuture<Boolean> w2 = cond.awaitAsync(p2, BOUND);
        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signal(1);
            assertThat(w1.cancel(false)).as("not yet complete: it needs the lock we hold").isTrue();
        }
        // The cancelled task leaves its block: its permit (held again once the lock is re-acquired for it) is closed.
        p1.close();
        assertThat(w2.get(30, TimeUnit.SECONDS)).as("the wake-up passed on").isTrue();
        assertThat(w1).isCancelled();
        p2.close();
    }

    @Test
    void test_wait_unacquired() throws Exception {
        Permit released = lock.acquire(BOUND);
        released.close();
        assertThatThrownBy(() -> cond.awaitAsync(released, BOUND)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cond.await(released, BOUND)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void test_wait_for() throws Exception {
        AtomicInteger presult = new AtomicInteger();
        Permit permit = lock.acquire(BOUND);
        CompletableFuture<Boolean> waited = cond.waitForAsync(permit, () -> presult.get() != 0, BOUND);
        for (int i = 0; i < 2; i++) {
            try (Permit ignored = lock.acquire(BOUND)) {
                cond.signal();
            }
            assertThat(waited).as("the predicate is still false").isNotDone();
        }
        try (Permit ignored = lock.acquire(BOUND)) {
            presult.set(1);
            cond.signal();
        }
        assertThat(waited.get(30, TimeUnit.SECONDS)).isTrue();
        permit.close();
    }

    @Test
    void test_wait_for_unacquired() throws Exception {
        Permit released = lock.acquire(BOUND);
        released.close();
        // CPython: wait_for with a true predicate and the lock not held returns the predicate's value;
        // Signalbox checks the permit first, in both forms (see Condition#waitFor).
        assertThatThrownBy(() -> cond.waitForAsync(released, () -> true, BOUND)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cond.waitFor(released, () -> true, BOUND)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void test_notify_unacquired() {
        assertThatThrownBy(cond::signal).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cond.signal(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void test_notify_all_unacquired() {
        assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void test_notify_all() throws Exception {
        List<Integer> result = Collections.synchronizedList(new ArrayList<>());
        List<Task> tasks = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            tasks.add(waitingTask(i, result));
        }
        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signalAll();
        }
        for (Task task : tasks) {
            assertThat(task.waited().get(30, TimeUnit.SECONDS)).isTrue();
            task.permit().close();
        }
        assertThat(result).containsExactly(1, 2, 3);
    }

    /** A wait that times out inside the block returns false with the lock held again. */
    @Test
    void test_timeout_in_block() throws Exception {
        try (Permit permit = lock.acquire(BOUND)) {
            assertThat(cond.awaitAsync(permit, Duration.ofMillis(10)).get(30, TimeUnit.SECONDS)).isFalse();
            assertThat(lock.isLocked()).isTrue();
            assertThat(cond.await(permit, Duration.ofMillis(10))).isFalse();
            assertThat(lock.isLocked()).isTrue();
        }
    }
}
