package dev.signalbox.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

import dev.signalbox.redis.testing.RedisServer;

/** Redisson clients standing for separate instances, each with few threads and quick reconnects; closed together. */
final class RedisTestClients implements AutoCloseable {

    private final RedisServer server;
    private final List<RedissonClient> clients = new ArrayList<>();

    RedisTestClients(RedisServer server) {
        this.server = server;
    }

    /** A new client (a new "instance") of the server. */
    RedissonClient newClient() {
        Config config = new Config();
        config.setThreads(2);
        config.setNettyThreads(4);
        config.setLockWatchdogTimeout(1000); // the lease of settings(...)
        config.useSingleServer()
                .setAddress(server.uri())
                .setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(8)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionPoolSize(2)
                .setConnectTimeout(1000)
                .setTimeout(1000)
                // Redisson's default backs off up to 10s between reconnects; tests restart Redis and should not wait that long.
                .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(200)));
        RedissonClient client = Redisson.create(config);
        clients.add(client);
        return client;
    }

    static RedisClusterSettings settings(String instance) {
        return new RedisClusterSettings("test:", Duration.ofSeconds(1), instance, false);
    }

    static RedisClusterSettings fallbackSettings(String instance) {
        return new RedisClusterSettings("test:", Duration.ofSeconds(1), instance, true);
    }

    /** Commands Redis ran since the last CONFIG RESETSTAT, except INFO and CONFIG (the test's own). */
    static long commandsRun(RedisServer server) {
        long total = 0;
        for (String line : server.command("INFO", "commandstats").split("\r\n")) {
            int at = line.indexOf(":calls=");
            if (line.startsWith("cmdstat_") && at > 0 && !line.startsWith("cmdstat_info:") && !line.startsWith("cmdstat_config")) {
                total += Long.parseLong(line.substring(at + 7, line.indexOf(',', at)));
            }
        }
        return total;
    }

    @Override
    public void close() {
        clients.forEach(RedissonClient::shutdown);
        clients.clear();
    }
}
