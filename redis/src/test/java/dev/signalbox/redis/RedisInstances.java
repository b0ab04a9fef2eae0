package dev.signalbox.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import dev.signalbox.redis.testing.RedisServer;

/**
 * Simulated application instances for tests: each its own {@link RedissonClient} (own connections,
 * own pub/sub) and its own {@link RedisClusterPrimitives}, on one test {@link RedisServer}. Close it
 * in {@code @AfterEach}.
 */
final class RedisInstances implements AutoCloseable {

    private final RedisServer server;
    private final List<RedissonClient> clients = new ArrayList<>();
    private final List<RedisClusterPrimitives> primitives = new ArrayList<>();
    private final java.util.Map<RedisClusterPrimitives, RedissonClient> byInstance = new java.util.HashMap<>();

    RedisInstances(RedisServer server) {
        this.server = server;
    }

    /** A new instance with the given lease, no fallback. */
    RedisClusterPrimitives start(String instanceId, Duration lease) {
        return start(instanceId, lease, false);
    }

    /** The instance's client has {@code lockWatchdogTimeout = lease}, as the auto-configuration's client would. */
    RedisClusterPrimitives start(String instanceId, Duration lease, boolean localFallback) {
        RedissonClient client = client(lease);
        RedisClusterPrimitives instance = new RedisClusterPrimitives(client,
                new RedisClusterSettings("signalbox:", lease, instanceId, localFallback));
        primitives.add(instance);
        byInstance.put(instance, client);
        return instance;
    }

    /**
     * Stands for the instance's process dying: its lease checks stop and its Redisson client shuts
     * down at once (so Redisson's watchdog stops renewing), without releasing anything.
     */
    void crash(RedisClusterPrimitives instance) {
        instance.close();
        byInstance.get(instance).shutdown(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }

    RedissonClient client() {
        return client(Duration.ofSeconds(30));
    }

    private RedissonClient client(Duration lease) {
        Config config = new Config();
        config.setLockWatchdogTimeout(lease.toMillis());
        config.useSingleServer()
                .setAddress(server.uri())
                .setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(16)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionPoolSize(4);
        config.setNettyThreads(4);
        RedissonClient client = Redisson.create(config);
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        primitives.forEach(RedisClusterPrimitives::close);
        clients.stream().filter(c -> !c.isShutdown()).forEach(c -> c.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS));
    }
}
