package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServerExtension;

/**
 * Withdrawals of waiting rate-limit calls racing what would have granted them, on separate threads:
 * a withdrawn call takes nothing (a Redis grant that lands after the withdrawal is released back), a
 * call that was not withdrawn is granted, and a turn in the local queue that comes as its call is
 * withdrawn passes on. Windows of one hour, so that only releases give tokens back.
 */
@Timeout(180)
class RedisRateLimiterWithdrawalRaceTest {

    private static final int ROUNDS = 300;
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int CALIBRATION_GRANTS = 9;

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private RedisTestClients clients;
    private RedissonClient client;

    @BeforeEach
    void clients() {
        clients = new RedisTestClients(redis.server());
        client = clients.newClient();
    }

    @AfterEach
    void close() {
        clients.close();
    }

    private RedisRateLimiter limiter(String key, int limit) {
        return new RedisRateLimiter(client, RedisTestClients.settings("a"), "race", key, limit, HOUR, PrimitiveListener.NONE);
    }

    @Test
    void aCancelRacingTheRedisGrantEitherWithdrawsTheCallAndTakesNothingOrComesTooLate() throws Exception {
        RedisRateLimiter limiter = limiter("cancel", 10 * ROUNDS);
        long spread = 2 * grantNanos(limiter);
        int granted = CALIBRATION_GRANTS;
        int cancelled = 0;
        CyclicBarrier go = new CyclicBarrier(2);
        AtomicReference<CompletableFuture<Void>> current = new AtomicReference<>();
        AtomicReference<Boolean> cancelResult = new AtomicReference<>();
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    go.await(10, TimeUnit.SECONDS);
                    spin(ThreadLocalRandom.current().nextLong(spread));
                    cancelResult.set(current.get().cancel(false));
                    go.await(10, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int round = 0; round < ROUNDS; round++) {
            current.set(limiter.acquireAsync(Duration.ofSeconds(10)));
            go.await(10, TimeUnit.SECONDS);
            go.await(10, TimeUnit.SECONDS); // cancelled, or tried to
            CompletableFuture<Void> call = current.get();
            if (cancelResult.get()) {
                assertThat(call).isCancelled();
                cancelled++;
            } else {
                call.get(10, TimeUnit.SECONDS); // granted before the cancel
                granted++;
            }
            assertTakenInRedis(limiter, granted);
        }
        assertThat(canceller.join(Duration.ofSeconds(10))).isTrue();
        assertThat(cancelled).as("cancels that won").isPositive();
        assertThat(granted).as("grants that won").isGreaterThan(CALIBRATION_GRANTS);
        assertThat(limiter.snapshot().waiting()).isZero();
    }

    @Test
    void anInterruptRacingTheRedisGrantEitherWithdrawsTheCallAndTakesNothingOrComesTooLate() throws Exception {
        RedisRateLimiter limiter = limiter("interrupt", 10 * ROUNDS);
        long spread = 2 * grantNanos(limiter);
        int granted = CALIBRATION_GRANTS;
        int interrupted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            AtomicReference<Object> result = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interruptSent = new CountDownLatch(1);
            Thread caller = Thread.ofPlatform().start(() -> {
                started.countDown();
                try {
                    limiter.acquire(Duration.ofSeconds(10));
                    result.set("granted");
                } catch (Throwable t) {
                    result.set(t);
                }
                awaitUninterruptibly(interruptSent);
                Thread.interrupted(); // an interrupt that came after the call returned
            });
            started.await(10, TimeUnit.SECONDS);
            spin(ThreadLocalRandom.current().nextLong(spread));
            caller.interrupt();
            interruptSent.countDown();
            assertThat(caller.join(Duration.ofSeconds(15))).as("the call ends").isTrue();
            if ("granted".equals(result.get())) {
                granted++;
            } else {
                assertThat(result.get()).isInstanceOf(InterruptedException.class);
                interrupted++;
            }
            assertTakenInRedis(limiter, granted);
        }
        assertThat(interrupted).as("interrupts that won").isPositive();
        assertThat(granted).as("grants that won").isGreaterThan(CALIBRATION_GRANTS);
        assertThat(limiter.snapshot().waiting()).isZero();
    }

    @Test
    void aQueuedCallCancelledAsItsTurnComesPassesTheTurnOn() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // Three tokens, one taken: the head, asking for three, waits in Redis; the second queues behind it.
            RedisRateLimiter limiter = limiter("turn-" + round, 3);
            assertThat(limiter.tryAcquire()).isTrue();
            CompletableFuture<Void> head = limiter.acquireAsync(3, Duration.ofSeconds(3));
            CompletableFuture<Void> second = limiter.acquireAsync(1, Duration.ofSeconds(10));
            CyclicBarrier go = new CyclicBarrier(2);
            Thread cancelHead = Thread.ofPlatform().start(() -> {
                try {
                    go.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                head.cancel(false);
            });
            go.await(10, TimeUnit.SECONDS);
            spin(ThreadLocalRandom.current().nextLong(50_000L));
            second.cancel(false);
            assertThat(cancelHead.join(Duration.ofSeconds(10))).isTrue();
            assertThat(head).isCancelled();

            // Whichever way the race went, the local queue is free again: a call for the token left is granted at once.
            limiter.acquireAsync(1, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertThat(limiter.snapshot().waiting()).isZero();
        }
    }

    /** Grants {@link #CALIBRATION_GRANTS} uncontended calls; returns how long the median one took. */
    private static long grantNanos(RedisRateLimiter limiter) throws Exception {
        long[] samples = new long[CALIBRATION_GRANTS];
        for (int i = 0; i < samples.length; i++) {
            long start = System.nanoTime();
            limiter.acquireAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            samples[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(samples);
        return samples[samples.length / 2];
    }

    /**
     * Redis' window holds exactly {@code taken} grants once the releases in flight have landed: a
     * withdrawn call whose grant landed gives it back within a round trip, and never more.
     */
    private static void assertTakenInRedis(RedisRateLimiter limiter, int taken) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int available;
        while ((available = limiter.availableTokens()) != limiter.limit() - taken && System.nanoTime() < deadline) {
            RedisRateLimiterTest.sleepMillis(2);
        }
        assertThat(limiter.limit() - available).as("tokens taken in Redis").isEqualTo(taken);
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await(10, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                // the interrupt meant for the call came late
            }
        }
    }
}
