package dev.signalbox.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.signalbox.testing.Threads;

/**
 * The timeout scheduler with its pacer: timeouts fire whatever the pacer does, a cancelled one never
 * fires, and the pacer starts with a timeout and stops once nothing has been queued for a while.
 */
@Timeout(60)
class TimeoutsTest {

    @Test
    void timeoutsShorterAndLongerThanThePaceFireAndCancelledOnesDoNot() throws Exception {
        CountDownLatch fired = new CountDownLatch(2);
        AtomicInteger cancelledRuns = new AtomicInteger();
        Timeouts.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(1));
        Timeouts.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(Timeouts.PACE_MILLIS * 3));
        List<ScheduledFuture<?>> cancelled = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            cancelled.add(Timeouts.schedule(cancelledRuns::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        cancelled.forEach(f -> f.cancel(false));
        assertThat(fired.await(10, TimeUnit.SECONDS)).as("both timeouts fired").isTrue();
        // A task due after the cancelled ones runs after them: had any survived, it would have run by then.
        CountDownLatch after = new CountDownLatch(1);
        Timeouts.schedule(after::countDown, TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRuns).hasValue(0);
    }

    @Test
    void thePacerStartsWithATimeoutAndStopsWhenNothingIsQueued() throws Exception {
        Timeouts.schedule(() -> { }, 0).get(10, TimeUnit.SECONDS);
        Threads.awaitTrue("the pacer stops once idle", () -> !Timeouts.isPacing());
        ScheduledFuture<?> armed = Timeouts.schedule(() -> { }, TimeUnit.HOURS.toNanos(1));
        assertThat(Timeouts.isPacing()).as("arming a timeout starts the pacer").isTrue();
        armed.cancel(false);
        Threads.awaitTrue("the pacer stops again", () -> !Timeouts.isPacing());
    }

    @Test
    void asyncWaitsTimeOutWhilePacingAndAfter() throws Exception {
        Lock lock = Lock.create("paced");
        try (Permit held = lock.acquire()) {
            for (int round = 0; round < 3; round++) {
                CompletableFuture<Permit> waiting = lock.acquireAsync(Duration.ofMillis(20));
                Throwable failure = waiting.handle((permit, error) -> error).get(10, TimeUnit.SECONDS);
                assertThat(failure).isInstanceOf(GuardTimeoutException.class);
            }
        }
        assertThat(lock.snapshot().waiting()).isZero();
    }
}
