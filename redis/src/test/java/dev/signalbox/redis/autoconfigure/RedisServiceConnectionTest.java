package dev.signalbox.redis.autoconfigure;

import java.util.OptionalLong;

import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.redis.autoconfigure.SignalboxRedisAutoConfigurationTests.FencedService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Import;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The way an application tests against Redis with Testcontainers: a {@code @Container @ServiceConnection}
 * Redis, and {@code spring.data.redis.*} pointing nowhere. Runs only where Testcontainers finds a
 * container runtime (skipped otherwise, as on CI here); the mapping it relies on is covered without
 * one by {@link ConnectionDetailsRedisConnectionTest} and {@link SignalboxRedisAutoConfigurationTests}.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = RedisServiceConnectionTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.data.redis.host=nowhere.invalid", "spring.data.redis.port=1"})
@Timeout(120)
class RedisServiceConnectionTest {

    @Container
    @ServiceConnection(name = "redis")
    static final GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);

    @Autowired
    RedissonClient client;

    @Autowired
    FencedService fenced;

    @Test
    void signalboxReachesTheServiceConnectionsRedis() throws Exception {
        client.getBucket("probe", StringCodec.INSTANCE).set("through @ServiceConnection");
        assertThat(redis.execInContainer("redis-cli", "GET", "probe").getStdout()).contains("through @ServiceConnection");
        OptionalLong token = fenced.token();
        assertThat(token).isPresent();
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration({SignalboxAutoConfiguration.class, SignalboxRedisAutoConfiguration.class})
    @Import(FencedService.class)
    static class App {
    }
}
