package dev.signalbox.redis.autoconfigure;

import dev.signalbox.autoconfigure.ClusterPrimitives;
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
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The Redis backend of {@code scope = CLUSTER}: a {@link ClusterPrimitives} bean
 * ({@link RedisClusterPrimitives}) over Redisson, active when Redisson is on the classpath.
 *
 * <p>Connection: the application's {@link RedissonClient} bean when it has one (Signalbox never
 * shuts that one down); otherwise a client Signalbox builds from Spring Boot's own
 * {@code spring.data.redis.*} properties (see {@link SpringDataRedisConnection}) and shuts down
 * with the context. Redisson's own Spring Boot starter is not used: it depends on Spring Data Redis
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
            SignalboxRedisProperties properties) {
        Config config = SpringDataRedisConnection.from(environment).toRedissonConfig(sslBundles.getIfAvailable());
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
}
