package dev.signalbox.redis.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

import org.redisson.config.BaseConfig;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.env.Environment;

/**
 * Where Redis is, read from Spring Boot's own {@code spring.data.redis.*} properties (the same keys
 * and meanings as Boot's {@code DataRedisProperties}: url, host, port, username, password,
 * database, timeout, connect-timeout, client-name, ssl.enabled, ssl.bundle, sentinel.*, cluster.nodes),
 * and turned into a Redisson {@link Config}. Bound with Spring's {@link Binder} rather than by
 * depending on {@code spring-boot-data-redis}, so {@code signalbox-redis} neither needs Spring Data
 * Redis nor adds a second set of connection properties. The {@code lettuce.*} and {@code jedis.*}
 * pool settings and {@code cluster.max-redirects} are those clients' own and do not apply to Redisson.
 *
 * <p>Precedence as in Boot: {@code sentinel.master} (Sentinel), else {@code cluster.nodes}
 * (Redis Cluster), else one server from {@code url} (which overrides host, port, username, password and
 * database) or from {@code host}/{@code port}.
 */
final class SpringDataRedisConnection {

    private int database;
    private String url;
    private String host = "localhost";
    private int port = 6379;
    private String username;
    private String password;
    private Duration timeout;
    private Duration connectTimeout;
    private String clientName;
    private final Ssl ssl = new Ssl();
    private Sentinel sentinel;
    private Cluster cluster;

    /** The {@code spring.data.redis.*} properties of {@code environment} (Boot's defaults where unset). */
    static SpringDataRedisConnection from(Environment environment) {
        return Binder.get(environment).bind("spring.data.redis", SpringDataRedisConnection.class)
                .orElseGet(SpringDataRedisConnection::new);
    }

    /**
     * A Redisson configuration for these properties.
     *
     * @param sslBundles Boot's SSL bundles, for {@code ssl.bundle}; may be null when no bundle is named
     * @throws IllegalStateException for a malformed url or an unknown bundle, naming the property
     */
    Config toRedissonConfig(SslBundles sslBundles) {
        Config config = new Config();
        boolean useSsl = ssl.isEnabled();
        if (sentinel != null && sentinel.getMaster() != null) {
            SentinelServersConfig servers = config.useSentinelServers().setMasterName(sentinel.getMaster()).setDatabase(database);
            if (sentinel.getNodes() != null) {
                sentinel.getNodes().forEach(node -> servers.addSentinelAddress(address(useSsl, node)));
            }
            if (sentinel.getUsername() != null) {
                servers.setSentinelUsername(sentinel.getUsername());
            }
            if (sentinel.getPassword() != null) {
                servers.setSentinelPassword(sentinel.getPassword());
            }
            applyCommon(servers, username, password, sslBundles);
            return config;
        }
        if (cluster != null && cluster.getNodes() != null && !cluster.getNodes().isEmpty()) {
            ClusterServersConfig servers = config.useClusterServers();
            cluster.getNodes().forEach(node -> servers.addNodeAddress(address(useSsl, node)));
            applyCommon(servers, username, password, sslBundles);
            return config;
        }
        SingleServerConfig server = config.useSingleServer();
        if (url != null && !url.isBlank()) {
            URI uri = parseUrl(url);
            boolean secure = "rediss".equals(uri.getScheme()) || useSsl;
            String[] credentials = uri.getUserInfo() == null ? new String[0] : uri.getUserInfo().split(":", 2);
            server.setAddress(address(secure, uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379)))
                    .setDatabase(uri.getPath() == null || uri.getPath().length() <= 1 ? database : Integer.parseInt(uri.getPath().substring(1)));
            // redis://:password@host (no user) and redis://user:password@host, as Boot reads them.
            String user = credentials.length == 2 && !credentials[0].isEmpty() ? credentials[0] : null;
            String secret = credentials.length == 2 ? credentials[1] : credentials.length == 1 ? credentials[0] : null;
            applyCommon(server, user, secret, sslBundles);
            return config;
        }
        server.setAddress(address(useSsl, host + ":" + port)).setDatabase(database);
        applyCommon(server, username, password, sslBundles);
        return config;
    }

    private void applyCommon(BaseConfig<?> base, String user, String secret, SslBundles sslBundles) {
        if (user != null) {
            base.setUsername(user);
        }
        if (secret != null) {
            base.setPassword(secret);
        }
        applyClientSettings(base);
        if (ssl.getBundle() != null) {
            if (sslBundles == null) {
                throw new IllegalStateException("spring.data.redis.ssl.bundle = " + ssl.getBundle()
                        + ": no SSL bundles are configured; define it under spring.ssl.bundle");
            }
            applySslBundle(base, sslBundles.getBundle(ssl.getBundle()));
        }
    }

    /**
     * What only these properties say, whoever says where Redis is: {@code timeout}, {@code connect-timeout}
     * and {@code client-name}.
     */
    void applyClientSettings(BaseConfig<?> base) {
        if (timeout != null) {
            base.setTimeout(Math.toIntExact(timeout.toMillis()));
        }
        if (connectTimeout != null) {
            base.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
        }
        if (clientName != null) {
            base.setClientName(clientName);
        }
    }

    /** Whether {@code url} is set and says {@code rediss://} (Boot then uses SSL, whoever says where Redis is). */
    boolean urlUsesSsl() {
        return url != null && !url.isBlank() && "rediss".equals(parseUrl(url).getScheme());
    }

    /** The trust and key material, protocols and ciphers of {@code bundle}, for Redisson's TLS connections. */
    static void applySslBundle(BaseConfig<?> base, SslBundle bundle) {
        base.setSslTrustManagerFactory(bundle.getManagers().getTrustManagerFactory());
        base.setSslKeyManagerFactory(bundle.getManagers().getKeyManagerFactory());
        if (bundle.getOptions().getEnabledProtocols() != null) {
            base.setSslProtocols(bundle.getOptions().getEnabledProtocols());
        }
        if (bundle.getOptions().getCiphers() != null) {
            base.setSslCiphers(bundle.getOptions().getCiphers());
        }
    }

    static String address(boolean ssl, String hostAndPort) {
        return (ssl ? "rediss://" : "redis://") + hostAndPort;
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = new URI(url);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(url, "expected redis://[user:password@]host[:port][/database] or rediss://...");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("spring.data.redis.url = " + url + " is not a Redis URL: " + e.getMessage()
                    + "; write e.g. redis://user:password@example.com:6379/0", e);
        }
    }

    public int getDatabase() {
        return database;
    }

    public void setDatabase(int database) {
        this.database = database;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public String getClientName() {
        return clientName;
    }

    public void setClientName(String clientName) {
        this.clientName = clientName;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public Sentinel getSentinel() {
        return sentinel;
    }

    public void setSentinel(Sentinel sentinel) {
        this.sentinel = sentinel;
    }

    public Cluster getCluster() {
        return cluster;
    }

    public void setCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    /** {@code spring.data.redis.ssl.*}. */
    static class Ssl {

        private Boolean enabled;
        private String bundle;

        /** As in Boot: on when set so, or when a bundle is named and {@code enabled} is unset. */
        public boolean isEnabled() {
            return enabled != null ? enabled : bundle != null;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /** {@code spring.data.redis.sentinel.*}. */
    static class Sentinel {

        private String master;
        private List<String> nodes;
        private String username;
        private String password;

        public String getMaster() {
            return master;
        }

        public void setMaster(String master) {
            this.master = master;
        }

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    /** {@code spring.data.redis.cluster.nodes}. */
    static class Cluster {

        private List<String> nodes;

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }
    }
}
