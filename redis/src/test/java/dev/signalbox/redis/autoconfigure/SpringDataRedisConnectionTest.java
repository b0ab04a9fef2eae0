package dev.signalbox.redis.autoconfigure;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code spring.data.redis.*} read as Boot reads them, turned into Redisson's configuration (checked through its YAML form). */
class SpringDataRedisConnectionTest {

    private static String yamlOf(String... properties) throws IOException {
        MockEnvironment environment = new MockEnvironment();
        for (String property : properties) {
            String[] pair = property.split("=", 2);
            environment.setProperty(pair[0], pair[1]);
        }
        return SpringDataRedisConnection.from(environment).toRedissonConfig(null).toYAML();
    }

    @Test
    void withNothingSetItIsBootsDefaultLocalhost6379() throws IOException {
        assertThat(yamlOf()).contains("singleServerConfig:", "address: \"redis://localhost:6379\"", "database: 0");
    }

    @Test
    void hostPortCredentialsDatabaseTimeoutsAndClientName() throws IOException {
        String yaml = yamlOf("spring.data.redis.host=cache.internal", "spring.data.redis.port=6380",
                "spring.data.redis.username=app", "spring.data.redis.password=s3cret", "spring.data.redis.database=3",
                "spring.data.redis.timeout=750ms", "spring.data.redis.connect-timeout=2s", "spring.data.redis.client-name=orders");
        assertThat(yaml).contains("address: \"redis://cache.internal:6380\"", "username: \"app\"", "password: \"s3cret\"",
                "database: 3", "timeout: 750", "connectTimeout: 2000", "clientName: \"orders\"");
    }

    @Test
    void aUrlOverridesHostPortCredentialsAndDatabase() throws IOException {
        String yaml = yamlOf("spring.data.redis.host=ignored", "spring.data.redis.url=rediss://app:pw@redis.example.com:6390/5");
        assertThat(yaml).contains("address: \"rediss://redis.example.com:6390\"", "username: \"app\"", "password: \"pw\"",
                "database: 5").doesNotContain("ignored");
    }

    @Test
    void sslEnabledMakesTheAddressRediss() throws IOException {
        assertThat(yamlOf("spring.data.redis.ssl.enabled=true")).contains("address: \"rediss://localhost:6379\"");
    }

    @Test
    void sentinelPropertiesMakeASentinelConfiguration() throws IOException {
        String yaml = yamlOf("spring.data.redis.sentinel.master=mymaster", "spring.data.redis.sentinel.nodes=s1:26379,s2:26379",
                "spring.data.redis.sentinel.password=sentinel-pw", "spring.data.redis.password=pw", "spring.data.redis.database=2");
        assertThat(yaml).contains("sentinelServersConfig:", "masterName: \"mymaster\"", "redis://s1:26379", "redis://s2:26379",
                "sentinelPassword: \"sentinel-pw\"", "password: \"pw\"", "database: 2");
    }

    @Test
    void clusterNodesMakeAClusterConfiguration() throws IOException {
        String yaml = yamlOf("spring.data.redis.cluster.nodes=n1:7000,n2:7001");
        assertThat(yaml).contains("clusterServersConfig:", "redis://n1:7000", "redis://n2:7001");
    }

    @Test
    void sentinelWinsOverClusterNodesAsInBoot() throws IOException {
        String yaml = yamlOf("spring.data.redis.cluster.nodes=n1:7000", "spring.data.redis.sentinel.master=mymaster",
                "spring.data.redis.sentinel.nodes=s1:26379");
        assertThat(yaml).contains("sentinelServersConfig:", "masterName: \"mymaster\"").doesNotContain("clusterServersConfig:", "n1:7000");
    }

    @Test
    void aMalformedUrlIsAClearError() {
        assertThatThrownBy(() -> yamlOf("spring.data.redis.url=http://nope"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("spring.data.redis.url = http://nope")
                .hasMessageContaining("redis://user:password@");
    }

    @Test
    void anSslBundleWithoutBundlesIsAClearError() {
        assertThatThrownBy(() -> yamlOf("spring.data.redis.ssl.bundle=redis"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("spring.data.redis.ssl.bundle = redis");
    }
}
