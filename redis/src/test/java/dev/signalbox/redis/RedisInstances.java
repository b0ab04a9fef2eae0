package dev.signalbox.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import dev.signalbox.redis.testing.RedisServer;
import dev.signalbox.redis.testing.RedisServerExtension;

/**
 * Simulated application instances for tests: each its own {@link RedissonClient} (own connections,
 * own pub/sub) and its own {@link RedisClusterPrimitives}, on one test {@link RedisServer}. Register
 * it as an instance field after the class's {@link RedisServerExtension}; it closes every instance
 * after each test (after the test's own {@code @AfterEach} methods):
 *
 * <pre>{@code
 * @RegisterExtension
 * final RedisInstances instances = new RedisInstances(redis);
 * }</pre>
 */
final class RedisInstances implements AutoCloseable, AfterEachCallback {

    private final RedisServerExtension redis;
    private final List<RedissonClient> clients = new ArrayList<>();
    private final List<RedisClusterPrimitives> primitives = new ArrayList<>();
    private final java.util.Map<RedisClusterPrimitives, RedissonClient> byInstance = new java.util.HashMap<>();

    RedisInstances(RedisServerExtension redis) {
        this.redis = redis;
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
                .setAddress(redis.server().uri())
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
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        primitives.forEach(RedisClusterPrimitives::close);
        clients.stream().filter(c -> !c.isShutdown()).forEach(c -> c.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS));
    }
}
