package dev.signalbox.redis.autoconfigure;

import java.time.Duration;

import dev.signalbox.redis.RedisClusterPrimitives;

import org.redisson.api.RedissonClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code signalboxRedis} health indicator ({@link SignalboxRedisHealthIndicator}), when Spring
 * Boot's health support (Actuator) is on the classpath and Signalbox's Redis backend is in use;
 * switch it off with {@code management.health.signalbox-redis.enabled=false}.
 */
@AutoConfiguration(after = SignalboxRedisAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
public final class SignalboxRedisHealthAutoConfiguration {

    /** How long the health check waits for Redis before it reports DOWN. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    /** Nested, so its health conditions are only read once the health classes are known to be there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(RedisClusterPrimitives.class)
    @ConditionalOnEnabledHealthIndicator("signalbox-redis")
    static class Indicator {

        @Bean
        @ConditionalOnMissingBean(name = "signalboxRedisHealthIndicator")
        SignalboxRedisHealthIndicator signalboxRedisHealthIndicator(RedissonClient redissonClient,
                SignalboxRedisProperties properties) {
            return new SignalboxRedisHealthIndicator(redissonClient, properties.getKeyPrefix(), PING_TIMEOUT);
        }
    }
}
