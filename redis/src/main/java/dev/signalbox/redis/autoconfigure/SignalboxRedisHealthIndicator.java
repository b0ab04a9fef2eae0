package dev.signalbox.redis.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The state of the cluster backend, for Actuator's health endpoint: UP with {@code backend: redis}
 * and the round-trip latency of one small command, or DOWN with the reason when Redis does not
 * answer within the check's timeout. Never waits longer than that timeout, whatever Redisson's own
 * retry settings; the command is abandoned (and cancelled) when the timeout runs out.
 */
public final class SignalboxRedisHealthIndicator implements HealthIndicator {

    private final RedissonClient client;
    private final String probeKey;
    private final Duration timeout;

    public SignalboxRedisHealthIndicator(RedissonClient client, String keyPrefix, Duration timeout) {
        this.client = client;
        this.probeKey = keyPrefix + "health";
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        long start = System.nanoTime();
        RFuture<Boolean> probe;
        try {
            // EXISTS on a key Signalbox never writes: one round trip, no data touched, any topology.
            probe = client.getBucket(probeKey, StringCodec.INSTANCE).isExistsAsync();
        } catch (RuntimeException e) {
            return down(e, start);
        }
        try {
            probe.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return Health.down().withDetail("backend", "redis")
                    .withDetail("error", "no answer from Redis within " + timeout.toMillis() + " ms").build();
        } catch (ExecutionException e) {
            return down(e.getCause(), start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(e, start);
        } catch (RuntimeException e) {
            return down(e, start);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        return Health.up().withDetail("backend", "redis").withDetail("latencyMillis", Math.round(millis * 1000.0) / 1000.0).build();
    }

    private static Health down(Throwable error, long start) {
        return Health.down().withDetail("backend", "redis")
                .withDetail("error", error.getClass().getSimpleName() + ": " + error.getMessage())
                .withDetail("afterMillis", (System.nanoTime() - start) / 1_000_000).build();
    }
}
