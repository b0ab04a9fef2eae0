package dev.signalbox.core.asyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.Event;
import dev.signalbox.testing.Threads;

/**
 * A port of CPython's {@code Lib/test/test_asyncio/test_locks.py}, class {@code EventTests} (3.13),
 * to Signalbox's {@link Event}; each test is named after the CPython test it ports. Left out:
 * {@code test_repr} (no {@code repr}) and the loop-argument tests.
 */
class AsyncioEventTests {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final Event event = Event.create("asyncio-event");

    @Test
    void test_wait() throws Exception {
        assertThat(event.isSet()).isFalse();
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(event.awaitAsync(BOUND));
        }
        assertThat(waiters).noneMatch(CompletableFuture::isDone);
        event.set();
        for (CompletableFuture<Void> waiter : waiters) {
            waiter.get(30, TimeUnit.SECONDS);
        }
        assertThat(event.isSet()).isTrue();
        assertThat(event.snapshot().waiting()).isZero();
    }

    @Test
    void test_wait_on_set() throws Exception {
        event.set();
        assertThat(event.awaitAsync(BOUND)).isCompleted();
        event.await(Duration.ZERO);
    }

    @Test
    void test_wait_cancel() throws Exception {
        CompletableFuture<Void> cancelled = event.awaitAsync(BOUND);
        CompletableFuture<Void> other = event.awaitAsync(BOUND);
        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(event.snapshot().waiting()).isEqualTo(1);
        event.set();
        other.get(30, TimeUnit.SECONDS);
        assertThat(cancelled).isCancelled();
    }

    @Test
    void test_clear() {
        assertThat(event.isSet()).isFalse();
        event.set();
        assertThat(event.isSet()).isTrue();
        event.clear();
        assertThat(event.isSet()).isFalse();
    }

    /** A set() immediately followed by clear() still releases the waiters of that moment; later ones wait. */
    @Test
    void test_clear_with_waiters() throws Exception {
        CompletableFuture<Void> waiter = event.awaitAsync(BOUND);
        event.set();
        event.clear();
        waiter.get(30, TimeUnit.SECONDS);
        assertThat(event.isSet()).isFalse();
        CompletableFuture<Void> later = event.awaitAsync(BOUND);
        assertThat(later).isNotDone();
        event.set();
        later.get(30, TimeUnit.SECONDS);
    }

    /** A cancel racing set() on another thread: the waiter is either released or withdrawn, never both, never stuck. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void test_wait_cancel_set_race(Threads.Flavor flavor) throws Exception {
        for (int round = 0; round < 2_000; round++) {
            Event flag = Event.create("race-" + round);
            CompletableFuture<Void> waiter = flag.awaitAsync(BOUND);
            CompletableFuture<Void> behind = flag.awaitAsync(BOUND);
            AtomicBoolean cancelled = new AtomicBoolean();
            Threads.runConcurrently(flavor, 2, side -> {
                if (side == 0) {
                    flag.set();
                } else {
                    cancelled.set(waiter.cancel(false));
                }
            });
            assertThat(waiter.isCancelled()).isEqualTo(cancelled.get());
            if (!cancelled.get()) {
                waiter.get(30, TimeUnit.SECONDS);
            }
            behind.get(30, TimeUnit.SECONDS);
            assertThat(flag.snapshot().waiting()).as("round %d", round).isZero();
        }
    }
}
