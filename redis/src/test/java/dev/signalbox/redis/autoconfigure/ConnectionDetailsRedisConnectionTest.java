package dev.signalbox.redis.autoconfigure;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Boot's {@link DataRedisConnectionDetails} (as @ServiceConnection, Docker Compose or Spring Data Redis
 * give them) turned into Redisson's configuration, checked through its YAML form.
 */
class ConnectionDetailsRedisConnectionTest {

    private static String yamlOf(DataRedisConnectionDetails details, String... properties) throws IOException {
        MockEnvironment environment = new MockEnvironment();
        for (String property : properties) {
            String[] pair = property.split("=", 2);
            environment.setProperty(pair[0], pair[1]);
        }
        return ConnectionDetailsRedisConnection.toRedissonConfig(details, SpringDataRedisConnection.from(environment)).toYAML();
    }

    private static DataRedisConnectionDetails standalone(String host, int port, int database, String username, String password) {
        return new DataRedisConnectionDetails() {
            @Override
            public Standalone getStandalone() {
                return Standalone.of(host, port, database);
            }

            @Override
            public String getUsername() {
                return username;
            }

            @Override
            public String getPassword() {
                return password;
            }
        };
    }

    private static DataRedisConnectionDetails.Sentinel sentinel(String master, int database, List<Node> nodes) {
        return new DataRedisConnectionDetails.Sentinel() {
            @Override
            public int getDatabase() {
                return database;
            }

            @Override
            public String getMaster() {
                return master;
            }

            @Override
            public List<Node> getNodes() {
                return nodes;
            }

            @Override
            public String getUsername() {
                return null;
            }

            @Override
            public String getPassword() {
                return "sentinel-pw";
            }
        };
    }

    @Test
    void standaloneHostPortDatabaseAndCredentialsComeFromTheDetailsNotTheProperties() throws IOException {
        String yaml = yamlOf(standalone("container.host", 32768, 4, "app", "s3cret"),
                "spring.data.redis.host=ignored", "spring.data.redis.port=1", "spring.data.redis.database=9",
                "spring.data.redis.password=ignored-too");
        assertThat(yaml).contains("singleServerConfig:", "address: \"redis://container.host:32768\"", "database: 4",
                "username: \"app\"", "password: \"s3cret\"").doesNotContain("ignored", "database: 9");
    }

    @Test
    void timeoutsAndClientNameStillComeFromTheProperties() throws IOException {
        String yaml = yamlOf(standalone("h", 6379, 0, null, null), "spring.data.redis.timeout=750ms",
                "spring.data.redis.connect-timeout=2s", "spring.data.redis.client-name=orders");
        assertThat(yaml).contains("timeout: 750", "connectTimeout: 2000", "clientName: \"orders\"");
    }

    @Test
    void sentinelWinsOverClusterAndStandaloneAsInBoot() throws IOException {
        DataRedisConnectionDetails details = new DataRedisConnectionDetails() {
            @Override
            public Sentinel getSentinel() {
                return sentinel("mymaster", 2, List.of(new Node("s1", 26379), new Node("s2", 26380)));
            }

            @Override
            public Cluster getCluster() {
                return () -> List.of(new Node("unused", 7000));
            }

            @Override
            public Standalone getStandalone() {
                return Standalone.of("unused", 6379);
            }

            @Override
            public String getPassword() {
                return "pw";
            }
        };
        assertThat(yamlOf(details)).contains("sentinelServersConfig:", "masterName: \"mymaster\"", "redis://s1:26379",
                "redis://s2:26380", "sentinelPassword: \"sentinel-pw\"", "password: \"pw\"", "database: 2")
                .doesNotContain("unused");
    }

    @Test
    void clusterNodesMakeAClusterConfiguration() throws IOException {
        DataRedisConnectionDetails details = new DataRedisConnectionDetails() {
            @Override
            public Cluster getCluster() {
                return () -> List.of(new Node("n1", 7000), new Node("::1", 7001));
            }

            @Override
            public Standalone getStandalone() {
                return Standalone.of("unused", 6379);
            }
        };
        assertThat(yamlOf(details)).contains("clusterServersConfig:", "redis://n1:7000", "redis://[::1]:7001")
                .doesNotContain("unused");
    }

    @Test
    void masterReplicaNodesMakeAReplicatedConfiguration() throws IOException {
        DataRedisConnectionDetails details = new DataRedisConnectionDetails() {
            @Override
            public MasterReplica getMasterReplica() {
                return () -> List.of(new Node("r1", 6379), new Node("r2", 6380));
            }
        };
        assertThat(yamlOf(details)).contains("replicatedServersConfig:", "redis://r1:6379", "redis://r2:6380");
    }

    @Test
    void anSslBundleInTheDetailsMakesTheAddressRediss() throws IOException {
        DataRedisConnectionDetails details = new DataRedisConnectionDetails() {
            @Override
            public Standalone getStandalone() {
                return Standalone.of("secure.host", 6380);
            }

            @Override
            public SslBundle getSslBundle() {
                return SslBundle.systemDefault();
            }
        };
        assertThat(yamlOf(details)).contains("address: \"rediss://secure.host:6380\"");
    }

    @Test
    void aRedissUrlPropertyTurnsSslOnAsInBoot() throws IOException {
        assertThat(yamlOf(standalone("h", 6379, 0, null, null), "spring.data.redis.url=rediss://elsewhere:6390"))
                .contains("address: \"rediss://h:6379\"").doesNotContain("elsewhere");
    }

    @Test
    void detailsThatDescribeNoConnectionAreAClearError() {
        DataRedisConnectionDetails empty = new DataRedisConnectionDetails() {
        };
        assertThatThrownBy(() -> yamlOf(empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DataRedisConnectionDetails bean").hasMessageContaining("spring.data.redis.*");
    }
}
