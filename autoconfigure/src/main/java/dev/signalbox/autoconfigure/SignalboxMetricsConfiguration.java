package dev.signalbox.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The contract's meters, when Micrometer and a {@link MeterRegistry} are present and {@code signalbox.metrics.enabled} is not false. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "signalbox.metrics.enabled", matchIfMissing = true)
class SignalboxMetricsConfiguration {

    @Bean
    MicrometerPrimitiveMetrics signalboxMicrometerMetrics(MeterRegistry meterRegistry, SignalboxProperties properties) {
        return new MicrometerPrimitiveMetrics(meterRegistry, properties.getMetrics());
    }

    @Bean
    LeaseLostMeter signalboxLeaseLostMeter(MeterRegistry meterRegistry) {
        return new LeaseLostMeter(meterRegistry);
    }
}
