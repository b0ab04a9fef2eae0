package dev.signalbox.redis.autoconfigure;

import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.redis.RedisClusterPrimitives;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Redis backend of {@code scope = CLUSTER}: a {@link ClusterPrimitives} bean
 * ({@link RedisClusterPrimitives}) over Redisson, active when Redisson is on the classpath.
 *
 * <p>Connection: the application's {@link RedissonClient} bean when it has one (Signalbox never
 * shuts that one down); otherwise a client Signalbox builds and shuts down with the context, from
 * Spring Boot's {@code DataRedisConnectionDetails} bean when there is one (Testcontainers'
 * {@code @ServiceConnection}, Docker Compose, Spring Data Redis; see
 * {@link ConnectionDetailsRedisConnection}; needs {@code spring-boot-data-redis}, an optional
 * dependency), else from Spring Boot's own {@code spring.data.redis.*} properties (see
 * {@link SpringDataRedisConnection}). Redisson's own Spring Boot starter is not used: it depends on Spring Data Redis
 * and registers a Redisson {@code RedisConnectionFactory}, which would replace the one an
 * application already uses; reading the same properties with Spring's binder needs neither.
 *
 * <p>Settings under {@code signalbox.redis.*} ({@link SignalboxRedisProperties}); with Actuator
 * present, a health indicator {@code signalboxRedis} ({@link SignalboxRedisHealthAutoConfiguration}).
 */
@AutoConfiguration(afterName = {
        "org.redisson.spring.starter.RedissonAutoConfigurationV2",
        "org.redisson.spring.starter.RedissonAutoConfigurationV4",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnClass(RedissonClient.class)
@ConditionalOnBooleanProperty(name = "signalbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SignalboxRedisProperties.class)
public final class SignalboxRedisAutoConfiguration {

    /**
     * A client from {@code spring.data.redis.*}, only when the application has none; shut down with
     * the context. It connects on first use, so the application starts while Redis is down (cluster
     * calls then fail with {@code GuardUnavailableException}, or fall back, until it is back). Its
     * {@code lockWatchdogTimeout} is {@code signalbox.redis.lease}: Redisson's watchdog renews cluster
     * holds with it.
     */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean(RedissonClient.class)
    RedissonClient signalboxRedissonClient(Environment environment, ObjectProvider<SslBundles> sslBundles,
            ObjectProvider<RedisConnectionSource> connectionSource, SignalboxRedisProperties properties) {
        SpringDataRedisConnection springDataRedis = SpringDataRedisConnection.from(environment);
        RedisConnectionSource source = connectionSource.getIfAvailable();
        Config config = source == null ? null : source.toRedissonConfig(springDataRedis);
        if (config == null) {
            config = springDataRedis.toRedissonConfig(sslBundles.getIfAvailable());
        }
        config.setLazyInitialization(true);
        config.setLockWatchdogTimeout(properties.toSettings().lease().toMillis());
        return Redisson.create(config);
    }

    /** Closed before the client (it depends on it): lease renewal stops, holds still open expire with their lease. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ClusterPrimitives.class)
    RedisClusterPrimitives signalboxClusterPrimitives(RedissonClient redissonClient, SignalboxRedisProperties properties) {
        return new RedisClusterPrimitives(redissonClient, properties.toSettings());
    }

    /**
     * Where Redis is when a bean says so rather than {@code spring.data.redis.*}: gives Redisson's
     * configuration, or {@code null} when there is no such bean (the properties then apply).
     */
    @FunctionalInterface
    interface RedisConnectionSource {

        Config toRedissonConfig(SpringDataRedisConnection springDataRedis);
    }

    /**
     * With {@code spring-boot-data-redis} on the class path: a {@code DataRedisConnectionDetails} bean,
     * when there is one, says where Redis is. Looked up when the client is built, so it does not matter
     * which configuration registers it, or when.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = ConnectionDetailsRedisConnection.DETAILS_CLASS)
    static class DataRedisConnectionDetailsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RedisConnectionSource signalboxRedisConnectionDetailsSource(ObjectProvider<DataRedisConnectionDetails> details) {
            return springDataRedis -> {
                DataRedisConnectionDetails found = details.getIfAvailable();
                return found == null ? null : ConnectionDetailsRedisConnection.toRedissonConfig(found, springDataRedis);
            };
        }
    }
}
