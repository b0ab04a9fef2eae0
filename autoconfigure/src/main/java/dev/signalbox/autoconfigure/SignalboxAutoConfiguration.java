package dev.signalbox.autoconfigure;

import java.util.List;

import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Outcome;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.util.function.SingletonSupplier;

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
        List<PrimitiveListenerFactory> factories = listenerFactories.orderedStream().toList();
        return new SignalboxRegistry((name, kind, scope, state) -> composite(
                factories.stream().map(f -> f.listenerFor(name, kind, scope, state)).toList()));
    }

    @Bean
    @ConditionalOnMissingBean
    PrimitiveStatistics signalboxPrimitiveStatistics() {
        return new PrimitiveStatistics();
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static SignalboxAnnotationPostProcessor signalboxAnnotationPostProcessor(ObjectProvider<SignalboxRegistry> registry,
            ObjectProvider<SignalboxProperties> properties, ObjectProvider<ClusterPrimitives> cluster) {
        return new SignalboxAnnotationPostProcessor(SingletonSupplier.of(
                () -> new GuardPlanner(registry.getObject(), properties.getObject(), cluster.getIfAvailable())));
    }

    private static PrimitiveListener composite(List<PrimitiveListener> listeners) {
        List<PrimitiveListener> real = listeners.stream().filter(l -> l != PrimitiveListener.NONE).toList();
        if (real.isEmpty()) {
            return PrimitiveListener.NONE;
        }
        if (real.size() == 1) {
            return real.get(0);
        }
        PrimitiveListener[] all = real.toArray(PrimitiveListener[]::new);
        // Plain loops over an array: a capturing lambda per event would allocate on the hot path.
        return new PrimitiveListener() {
            @Override
            public void onArrival(Primitive primitive) {
                for (PrimitiveListener l : all) {
                    l.onArrival(primitive);
                }
            }

            @Override
            public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
                for (PrimitiveListener l : all) {
                    l.onWaitEnded(primitive, waitNanos, outcome);
                }
            }

            @Override
            public void onReleased(Primitive primitive, long holdNanos) {
                for (PrimitiveListener l : all) {
                    l.onReleased(primitive, holdNanos);
                }
            }

            @Override
            public void onLeaseLost(Primitive primitive) {
                for (PrimitiveListener l : all) {
                    l.onLeaseLost(primitive);
                }
            }
        };
    }
}
