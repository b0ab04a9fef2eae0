package dev.signalbox.redis.autoconfigure;

import java.time.Duration;
import java.util.OptionalLong;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.Scope;
import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.core.GuardContext;
import dev.signalbox.redis.RedisClusterPrimitives;
import dev.signalbox.redis.RedisClusterSettings;
import dev.signalbox.redis.testing.RedisServerExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** The Spring wiring of the Redis backend, against a redis-server of this test class. */
@Timeout(60)
class SignalboxRedisAutoConfigurationTests {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class, SignalboxRedisAutoConfiguration.class,
                    SignalboxRedisHealthAutoConfiguration.class));

    private ApplicationContextRunner connected() {
        return runner.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
                "spring.data.redis.port=" + redis.server().port());
    }

    @Test
    void withoutAClientBeanItBuildsOneFromSpringDataRedisPropertiesAndShutsItDownWithTheContext() {
        RedissonClient[] built = new RedissonClient[1];
        connected().run(context -> {
            assertThat(context).hasSingleBean(RedissonClient.class).hasBean("signalboxRedissonClient")
                    .hasSingleBean(ClusterPrimitives.class).hasSingleBean(RedisClusterPrimitives.class);
            built[0] = context.getBean(RedissonClient.class);
            built[0].getBucket("probe", StringCodec.INSTANCE).set("written through Signalbox's client");
            assertThat(redis.server().command("GET", "probe")).contains("written through Signalbox's client");
        });
        assertThat(built[0].isShutdown()).isTrue();
    }

    @Test
    void aConnectionDetailsBeanSaysWhereRedisIsOverTheProperties() {
        // What @ServiceConnection and Docker Compose register; the properties point nowhere.
        DataRedisConnectionDetails details = new DataRedisConnectionDetails() {
            @Override
            public Standalone getStandalone() {
                return Standalone.of(redis.server().host(), redis.server().port());
            }
        };
        runner.withPropertyValues("spring.data.redis.host=nowhere.invalid", "spring.data.redis.port=1")
                .withBean(DataRedisConnectionDetails.class, () -> details).withBean(FencedService.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("signalboxRedissonClient");
                    context.getBean(RedissonClient.class).getBucket("probe", StringCodec.INSTANCE).set("through the details");
                    assertThat(redis.server().command("GET", "probe")).isEqualTo("through the details");
                    assertThat(context.getBean(FencedService.class).token()).isPresent();
                });
    }

    @Test
    void bootsOwnConnectionDetailsFromTheSpringDataRedisPropertiesWorkToo() {
        connected().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class)).withBean(FencedService.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataRedisConnectionDetails.class).hasBean("signalboxRedissonClient");
                    assertThat(context.getBean(FencedService.class).token()).isPresent();
                });
    }

    @Test
    void withoutSpringBootDataRedisOnTheClassPathThePropertiesSayWhereRedisIs() {
        connected().withClassLoader(new FilteredClassLoader(DataRedisConnectionDetails.class)).withBean(FencedService.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("signalboxRedissonClient")
                            .doesNotHaveBean("signalboxRedisConnectionDetailsSource");
                    assertThat(context.getBean(FencedService.class).token()).isPresent();
                });
    }

    @Test
    void theApplicationsOwnClientIsUsedAndNeverShutDownBySignalbox() {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.server().uri());
        RedissonClient own = Redisson.create(config);
        try {
            runner.withBean("applicationRedisson", RedissonClient.class, () -> own).run(context -> {
                assertThat(context).hasSingleBean(RedissonClient.class).doesNotHaveBean("signalboxRedissonClient")
                        .hasSingleBean(RedisClusterPrimitives.class);
                assertThat(context.getBean(RedissonClient.class)).isSameAs(own);
            });
            assertThat(own.isShutdown()).isFalse();
        } finally {
            own.shutdown();
        }
    }

    @Test
    void anApplicationsClusterPrimitivesBeanWins() {
        ClusterPrimitives mine = new RedisClusterPrimitives(org.mockito.Mockito.mock(RedissonClient.class),
                new RedisClusterSettings("mine:", Duration.ofSeconds(5), "me", false));
        connected().withBean("myCluster", ClusterPrimitives.class, () -> mine)
                .run(context -> assertThat(context.getBean(ClusterPrimitives.class)).isSameAs(mine));
    }

    @Test
    void withoutRedissonThereIsNoBackendAndAClusterGuardStopsStartupNamingTheMethodAndTheDependency() {
        runner.withClassLoader(new FilteredClassLoader("org.redisson"))
                .withBean(ClusterService.class).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("@Guarded(scope = CLUSTER) on ClusterService.work()")
                            .hasMessageContaining("dev.signalbox:signalbox-redis");
                });
        runner.withClassLoader(new FilteredClassLoader("org.redisson")).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ClusterPrimitives.class));
    }

    @Test
    void signalboxRedisPropertiesAreBoundWithTheirDefaults() {
        connected().run(context -> {
            RedisClusterSettings settings = context.getBean(SignalboxRedisProperties.class).toSettings();
            assertThat(settings.keyPrefix()).isEqualTo("signalbox:");
            assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(30));
            assertThat(settings.instanceId()).endsWith(":" + ProcessHandle.current().pid());
            assertThat(settings.localFallback()).isFalse();
        });
        connected().withPropertyValues("signalbox.redis.key-prefix=shop:", "signalbox.redis.lease=5s",
                "signalbox.redis.instance-id=web-1", "signalbox.redis.on-unavailable=local").run(context -> {
                    RedisClusterSettings settings = context.getBean(SignalboxRedisProperties.class).toSettings();
                    assertThat(settings).isEqualTo(new RedisClusterSettings("shop:", Duration.ofSeconds(5), "web-1", true));
                });
    }

    @Test
    void aLeaseUnderOneSecondStopsStartupNamingTheProperty() {
        connected().withPropertyValues("signalbox.redis.lease=500ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("signalbox.redis.lease");
        });
    }

    @Test
    void healthIsUpWithBackendAndLatencyAndDownWithinItsTimeoutWhenRedisIsGone() {
        connected().run(context -> {
            HealthIndicator indicator = context.getBean("signalboxRedisHealthIndicator", HealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("backend", "redis").containsKey("latencyMillis");
            redis.server().stop();
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("backend", "redis").containsKey("error");
            redis.server().restart();
        });
    }

    @Test
    void startsWhileRedisIsDownAndReportsItDown() {
        redis.server().stop();
        connected().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(RedisClusterPrimitives.class);
            assertThat(context.getBean("signalboxRedisHealthIndicator", HealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.DOWN);
        });
    }

    @Test
    void noHealthIndicatorWithoutActuatorOrWhenSwitchedOff() {
        connected().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("signalboxRedisHealthIndicator"));
        connected().withPropertyValues("management.health.signalbox-redis.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("signalboxRedisHealthIndicator"));
    }

    @Test
    void signalboxEnabledFalseSwitchesTheBackendOff() {
        connected().withPropertyValues("signalbox.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ClusterPrimitives.class).doesNotHaveBean(RedissonClient.class));
    }

    public static class FencedService {
        @Guarded(value = "fenced", scope = Scope.CLUSTER, timeout = "5s")
        public OptionalLong token() {
            return GuardContext.fencingToken();
        }
    }

    public static class ClusterService {
        @Guarded(value = "work", scope = Scope.CLUSTER)
        public void work() {
        }
    }

}
