package dev.signalbox.redis.autoconfigure;

import java.util.List;

import org.redisson.config.BaseConfig;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ReplicatedServersConfig;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where Redis is, read from Spring Boot's {@link DataRedisConnectionDetails} bean and turned into a
 * Redisson {@link Config}. Such a bean comes from Testcontainers' {@code @ServiceConnection}, from
 * Docker Compose support, from the application, or (when Spring Data Redis is auto-configured) from
 * Boot's own reading of {@code spring.data.redis.*}; it is what Boot's own Redis connection uses, so
 * Signalbox talks to the same Redis as the application.
 *
 * <p>As Boot reads it: sentinel if the details name one, else cluster, else master/replica, else one
 * server; username, password and SSL from the details (SSL is on when they carry a bundle, or when
 * {@code spring.data.redis.url} is {@code rediss://}); the database of a single server or sentinel
 * master from the details. The details say nothing of timeouts and client name: those still come from
 * {@code spring.data.redis.*} ({@link SpringDataRedisConnection#applyClientSettings}).
 *
 * <p>Loaded only when {@code spring-boot-data-redis} is on the class path (see
 * {@link SignalboxRedisAutoConfiguration}).
 */
final class ConnectionDetailsRedisConnection {

    /** Checked by name, so that this class is never loaded without it. */
    static final String DETAILS_CLASS = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";

    private ConnectionDetailsRedisConnection() {
    }

    /**
     * A Redisson configuration for {@code details}.
     *
     * @param properties {@code spring.data.redis.*}, for what the details do not say
     * @throws IllegalStateException when the details describe no connection at all, naming their class
     */
    static Config toRedissonConfig(DataRedisConnectionDetails details, SpringDataRedisConnection properties) {
        SslBundle sslBundle = details.getSslBundle();
        boolean ssl = sslBundle != null || properties.urlUsesSsl();
        Config config = new Config();
        BaseConfig<?> base;
        DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
        DataRedisConnectionDetails.Cluster cluster = details.getCluster();
        DataRedisConnectionDetails.MasterReplica masterReplica = details.getMasterReplica();
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        if (sentinel != null) {
            SentinelServersConfig servers = config.useSentinelServers().setMasterName(sentinel.getMaster())
                    .setDatabase(sentinel.getDatabase());
            nodes(sentinel.getNodes()).forEach(node -> servers.addSentinelAddress(address(ssl, node)));
            if (sentinel.getUsername() != null) {
                servers.setSentinelUsername(sentinel.getUsername());
            }
            if (sentinel.getPassword() != null) {
                servers.setSentinelPassword(sentinel.getPassword());
            }
            base = servers;
        } else if (cluster != null) {
            ClusterServersConfig servers = config.useClusterServers();
            nodes(cluster.getNodes()).forEach(node -> servers.addNodeAddress(address(ssl, node)));
            base = servers;
        } else if (masterReplica != null) {
            // Redisson's replicated mode finds the master among the nodes by their role, as Lettuce's static master/replica does.
            ReplicatedServersConfig servers = config.useReplicatedServers();
            nodes(masterReplica.getNodes()).forEach(node -> servers.addNodeAddress(address(ssl, node)));
            base = servers;
        } else if (standalone != null) {
            SingleServerConfig server = config.useSingleServer()
                    .setAddress(address(ssl, new Node(standalone.getHost(), standalone.getPort())))
                    .setDatabase(standalone.getDatabase());
            base = server;
        } else {
            throw new IllegalStateException("the DataRedisConnectionDetails bean (" + details.getClass().getName()
                    + ") gives no standalone, sentinel, cluster or master/replica connection; make it return one,"
                    + " or remove it so that spring.data.redis.* applies");
        }
        if (details.getUsername() != null) {
            base.setUsername(details.getUsername());
        }
        if (details.getPassword() != null) {
            base.setPassword(details.getPassword());
        }
        properties.applyClientSettings(base);
        if (sslBundle != null) {
            SpringDataRedisConnection.applySslBundle(base, sslBundle);
        }
        return config;
    }

    private static List<Node> nodes(List<Node> nodes) {
        return nodes == null ? List.of() : nodes;
    }

    private static String address(boolean ssl, Node node) {
        String host = node.host().contains(":") && !node.host().startsWith("[") ? "[" + node.host() + "]" : node.host();
        return SpringDataRedisConnection.address(ssl, host + ":" + node.port());
    }
}
