package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.signalbox.core.Fairness;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_locks.py}, class {@code LockTests} (3.13), to
 * Signalbox's {@link Lock}: each test is named after the CPython test it ports. An asyncio task that
 * awaits {@code lock.acquire()} is an {@code acquireAsync} future here (or a thread, for the blocking
 * form); cancelling the task is cancelling the future. Left out, with no Java meaning: {@code test_repr}
 * (no {@code repr}), the loop-argument tests, and {@code test_release_not_acquired} (a {@link Permit} is
 * given back by {@code close()}, which can only close what was acquired; a second close does nothing,
 * see {@link #test_release_no_waiters}).
 */
class AsyncioLockTests {

    private static final Duration BOUND = Duration.ofSeconds(30);

    /** A FIFO lock: asyncio's lock wakes waiters in order and lets nobody overtake them. */
    private final Lock lock = Lock.create("asyncio-lock", Fairness.FIFO, PrimitiveListener.NONE);

    @Test
    void test_lock() throws Exception {
        Permit held = lock.acquire(BOUND);
        assertThat(held.isHeld()).isTrue();
        assertThat(lock.isLocked()).isTrue();
        held.close();
        assertThat(lock.isLocked()).isFalse();
    }

    /** Three waiters get the lock in the order they asked for it, one release at a time. */
    @Test
    void test_acquire() throws Exception {
        List<Integer> result = Collections.synchronizedList(new ArrayList<>());
        Permit first = lock.acquire(BOUND);
        List<CompletableFuture<Permit>> waiters = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int index = i;
            waiters.add(lock.acquireAsync(BOUND).whenComplete((permit, error) -> result.add(index)));
        }
        assertThat(result).isEmpty();
        first.close();
        assertThat(result).containsExactly(1);
        waiters.get(0).get(30, TimeUnit.SECONDS).close();
        assertThat(result).containsExactly(1, 2);
        waiters.get(1).get(30, TimeUnit.SECONDS).close();
        waiters.get(2).get(30, TimeUnit.SECONDS).close();
        assertThat(result).containsExactly(1, 2, 3);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void test_acquire_cancel() throws Exception {
        Permit held = lock.acquire(BOUND);
        CompletableFuture<Permit> task = lock.acquireAsync(BOUND);
        assertThat(task.cancel(false)).isTrue();
        assertThat(task).isCancelled();
        assertThat(lock.isLocked()).as("still the first holder's").isTrue();
        held.close();
        assertThat(lock.isLocked()).as("the cancelled waiter got nothing").isFalse();
        assertThat(lock.snapshot().waiting()).isZero();
    }

    /**
     * Three tasks: ta holds, tb and tc wait; tb is cancelled; when ta releases, tc gets the lock (the
     * cancelled waiter does not swallow the wake-up).
     */
    @Test
    void test_cancel_race() throws Exception {
        Permit ta = lock.acquire(BOUND);
        CompletableFuture<Permit> tb = lock.acquireAsync(BOUND);
        CompletableFuture<Permit> tc = lock.acquireAsync(BOUND);
        assertThat(tb.cancel(false)).isTrue();
        ta.close();
        Permit held = tc.get(30, TimeUnit.SECONDS);
        assertThat(lock.isLocked()).isTrue();
        held.close();
        assertThat(lock.isLocked()).isFalse();
    }

    /**
     * A release that grants the next waiter, racing that waiter's cancel on another thread: either
     * the cancel wins (the waiter holds nothing and the lock is free, or goes to the waiter behind)
     * or the grant did (cancel returns false, and the waiter owns the lock until it closes it).
     * Never lost, never held twice; run many times.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_cancel_release_race(Threads.Flavor flavor) throws Exception {
        for (int round = 0; round < 2_000; round++) {
            Permit holder = lock.acquire(BOUND);
            CompletableFuture<Permit> waiter = lock.acquireAsync(BOUND);
            CompletableFuture<Permit> behind = lock.acquireAsync(BOUND);
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    holder.close();
                } else {
                    cancelled.set(waiter.cancel(false));
                }
            });
            if (cancelled.get()) {
                assertThat(waiter).isCancelled();
            } else {
                waiter.get(30, TimeUnit.SECONDS).close();
            }
            Permit last = behind.get(30, TimeUnit.SECONDS);
            assertThat(lock.isLocked()).isTrue();
            last.close();
            assertThat(lock.isLocked()).as("round %d", round).isFalse();
        }
    }

    /** A waiter granted the lock, then cancelled: the cancel changes nothing and it owns the lock. */
    @Test
    void test_finished_waiter_cancelled() throws Exception {
        Permit ta = lock.acquire(BOUND);
        CompletableFuture<Permit> tb = lock.acquireAsync(BOUND);
        ta.close();
        assertThat(tb).isCompleted();
        assertThat(tb.cancel(false)).isFalse();
        Permit owned = tb.get(30, TimeUnit.SECONDS);
        assertThat(lock.isLocked()).isTrue();
        owned.close();
        assertThat(lock.isLocked()).isFalse();
    }

    /** Releasing with nobody waiting frees the lock; a second close of the same permit does nothing. */
    @Test
    void test_release_no_waiters() throws Exception {
        Permit held = lock.acquire(BOUND);
        held.close();
        held.close();
        assertThat(lock.isLocked()).isFalse();
        Permit again = lock.tryAcquire();
        assertThat(again).isNotNull();
        again.close();
    }

    /** {@code async with lock:} is try-with-resources; the lock is free after the block, also when it throws. */
    @Test
    void test_context_manager() throws Exception {
        try (Permit ignored = lock.acquire(BOUND)) {
            assertThat(lock.isLocked()).isTrue();
        }
        assertThat(lock.isLocked()).isFalse();
        assertThatThrownBy(() -> {
            try (Permit ignored = lock.acquire(BOUND)) {
                throw new IllegalStateException("body failed");
            }
        }).hasMessage("body failed");
        assertThat(lock.isLocked()).isFalse();
    }

    /** asyncio's {@code wait_for(lock.acquire(), timeout)}: a timed-out acquisition holds nothing. */
    @Test
    void test_acquire_timeout_holds_nothing() throws Exception {
        Permit held = lock.acquire(BOUND);
        assertThatThrownBy(() -> lock.acquire(Duration.ofMillis(20))).isInstanceOf(GuardTimeoutException.class);
        held.close();
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.snapshot().waiting()).isZero();
    }
}
