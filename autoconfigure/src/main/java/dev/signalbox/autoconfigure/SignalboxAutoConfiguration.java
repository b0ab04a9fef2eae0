package dev.signalbox.autoconfigure;

import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.registry.PrimitiveListenerFactory;
import dev.signalbox.registry.PrimitiveStatistics;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.spring.SignalboxAnnotationPostProcessor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.beans.factory.config.BeanDefinition;

/**
 * Signalbox's core wiring: the {@link SignalboxRegistry} of named primitives, and the interception
 * of {@code @Guarded}, {@code @RateLimited} and {@code @Barrier} methods. Meters, the Actuator
 * endpoint and web problem responses are switched on by their own configurations when their
 * libraries are present. A {@link ClusterPrimitives} bean (from {@code signalbox-redis}) is the
 * backend of {@code scope = CLUSTER}. {@code signalbox.enabled=false} turns all of it off.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnBooleanProperty(name = "signalbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SignalboxProperties.class)
@Import({SignalboxMetricsConfiguration.class, SignalboxEndpointConfiguration.class, SignalboxWebConfiguration.class})
public final class SignalboxAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SignalboxRegistry signalboxRegistry(ObjectProvider<PrimitiveListenerFactory> listenerFactories) {
        return new SignalboxRegistry(PrimitiveListenerFactory.composite(listenerFactories.orderedStream().toList()));
    }

    @Bean
    @ConditionalOnMissingBean
    PrimitiveStatistics signalboxPrimitiveStatistics() {
        return new PrimitiveStatistics();
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static SignalboxAnnotationPostProcessor signalboxAnnotationPostProcessor(ObjectProvider<SignalboxRegistry> registry,
            ObjectProvider<SignalboxProperties> properties, ObjectProvider<ClusterPrimitives> cluster) {
        return new SignalboxAnnotationPostProcessor(registry::getObject, () -> properties.getObject().toAnnotationSettings(),
                cluster::getIfAvailable);
    }
}
