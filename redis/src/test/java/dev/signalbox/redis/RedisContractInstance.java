package dev.signalbox.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import dev.signalbox.redis.testing.RedisServerExtension;

/**
 * The cluster side of a contract suite (dev.signalbox.core.contract): each test gets a fresh
 * {@link RedisClusterPrimitives} (one instance, lease 5s) whose keys no other test of the class uses
 * (key prefix {@code contract-<n>:}), all on one Redisson client per test class. A client per test
 * (as {@link RedisInstances} makes) would cost each test up to two seconds of shutdown: Redisson
 * waits for the replies still due to a test's withdrawn waits. It runs on a Redis server of its own
 * (a {@link RedisServerExtension}: started before the class's first test, running and empty again
 * before each test, closed after the last test and after the client). Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisContractInstance cluster = RedisContractInstance.onItsOwnServer();
 * }</pre>
 */
final class RedisContractInstance implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    /**
     * Five seconds, as the cluster lock tests: a shorter lease leaves little room for the stalls of a
     * loaded test machine (a hold or a barrier's state must not lapse while a test still uses it).
     */
    private static final Duration LEASE = Duration.ofSeconds(5);

    private final RedisServerExtension redis = new RedisServerExtension();
    private RedissonClient client;
    private RedisClusterPrimitives current;
    private int tests;

    private RedisContractInstance() {
    }

    /** An instance on a Redis server that this extension starts, resets before each test and closes. */
    static RedisContractInstance onItsOwnServer() {
        return new RedisContractInstance();
    }

    /** This test's instance (made on first use). */
    RedisClusterPrimitives primitives() {
        if (current == null) {
            if (client == null) {
                client = newClient();
            }
            current = new RedisClusterPrimitives(client, new RedisClusterSettings("contract-" + ++tests + ":", LEASE, "contract",
                    false));
        }
        return current;
    }

    /**
     * As {@link RedisTestClients#newClient()} (few threads, but this lease), with room for many channel
     * subscriptions: every barrier handle subscribes to its channel for its whole life, and the
     * barrier suite makes hundreds of them on this one client.
     */
    private RedissonClient newClient() {
        Config config = new Config();
        config.setThreads(2);
        config.setNettyThreads(4);
        config.setLockWatchdogTimeout(LEASE.toMillis());
        config.useSingleServer()
                .setAddress(redis.server().uri())
                .setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(16)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionPoolSize(4)
                .setSubscriptionsPerConnection(200)
                .setConnectTimeout(1000)
                .setTimeout(1000);
        return Redisson.create(config);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        redis.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (client != null) {
                client.shutdown(0, 2, TimeUnit.SECONDS);
                client = null;
            }
        } finally {
            redis.afterAll(context);
        }
    }
}
