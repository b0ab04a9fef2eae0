package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.Mockito;
import org.redisson.api.RedissonClient;

import dev.signalbox.core.GuardUnavailableException;

@Timeout(30)
class RedisRoundTripTest {

    private final RedisBackend backend = new RedisBackend(Mockito.mock(RedissonClient.class), RedisTestClients.settings("a"));

    @Test
    void aCallerWhoseOwnWaitEndsBeforeTheBoundsTimerFindsTheOutageAlreadyKnownToTheBackend() throws Exception {
        CountDownLatch timerBusy = new CountDownLatch(1);
        CountDownLatch freeTimer = new CountDownLatch(1);
        // Keeps the timer thread busy, so that the caller's own clock ends the wait first (as on a loaded machine).
        RedisTimer.execute(() -> {
            timerBusy.countDown();
            try {
                freeTimer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(timerBusy.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> RedisRoundTrip.await(backend, new CompletableFuture<Boolean>(), RedisBackend.MIN_COMMAND_NANOS,
                    "limit", "rate limit 'limit' (cluster)", "taking a token"))
                    .isInstanceOf(GuardUnavailableException.class).hasMessageContaining("did not answer within");
            assertThat(backend.availability.knownDown()).as("known down before the caller saw the failure").isTrue();
        } finally {
            freeTimer.countDown();
        }
    }

    @Test
    void aReplyInTimeIsReturnedAndCountsAsRedisAnswering() throws Exception {
        backend.availability.failed("an earlier call", new IllegalStateException("connection reset"));
        assertThat(RedisRoundTrip.await(backend, CompletableFuture.completedFuture(7L), RedisBackend.MIN_COMMAND_NANOS,
                "limit", "rate limit 'limit' (cluster)", "reading the window")).isEqualTo(7L);
        assertThat(backend.availability.isDown()).isFalse();
    }

    @Test
    void aShortBoundThatRunsOutIsTheCallersTimeoutAndDoesNotMarkRedisDown() {
        assertThatThrownBy(() -> RedisRoundTrip.await(backend, new CompletableFuture<Boolean>(), 20_000_000L,
                "limit", "rate limit 'limit' (cluster)", "taking a token"))
                .isInstanceOf(GuardUnavailableException.class).hasMessageContaining("did not answer within 20ms");
        assertThat(backend.availability.isDown()).isFalse();
    }
}
