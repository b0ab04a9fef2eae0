package dev.signalbox.redis;

import java.time.Duration;
import java.util.Objects;

import org.redisson.api.RedissonClient;

import dev.signalbox.autoconfigure.ClusterPrimitives;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;

/**
 * The Redis backend of {@code scope = CLUSTER}, through Redisson. Work in progress: the primitives
 * are being implemented; this class's constructor, {@link #isAvailable()} and {@link #close()} are stable.
 */
public final class RedisClusterPrimitives implements ClusterPrimitives, AutoCloseable {

    private final RedissonClient client;
    private final RedisClusterSettings settings;

    public RedisClusterPrimitives(RedissonClient client, RedisClusterSettings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String backend() {
        return "redis";
    }

    /** True when Redis answers a PING right now (for the health indicator). */
    public boolean isAvailable() {
        try {
            return client.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).pingAll();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public Lock lock(String name, String key, PrimitiveListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public Barrier barrier(String name, int parties, PrimitiveListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Stops the lease renewal of this backend; holds still open are left to expire with their lease. */
    @Override
    public void close() {
    }
}
