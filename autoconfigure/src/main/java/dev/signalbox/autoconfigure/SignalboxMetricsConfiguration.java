package dev.signalbox.autoconfigure;

import java.util.Set;

import dev.signalbox.micrometer.LeaseLostMeter;
import dev.signalbox.micrometer.MeterSettings;
import dev.signalbox.micrometer.MicrometerPrimitiveMetrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The contract's meters, when Micrometer and a {@link MeterRegistry} are present and {@code signalbox.metrics.enabled} is not false. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({MeterRegistry.class, MicrometerPrimitiveMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "signalbox.metrics.enabled", matchIfMissing = true)
class SignalboxMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MicrometerPrimitiveMetrics signalboxMicrometerMetrics(MeterRegistry meterRegistry, SignalboxProperties properties) {
        return new MicrometerPrimitiveMetrics(meterRegistry, meterSettings(properties.getMetrics()));
    }

    /** Here, not in {@link SignalboxProperties}: the properties must bind where signalbox-micrometer is absent. */
    static MeterSettings meterSettings(SignalboxProperties.Metrics metrics) {
        return new MeterSettings(metrics.isPercentileHistogram(), metrics.getSlo(), metrics.getFlushInterval());
    }

    @Bean
    @ConditionalOnMissingBean
    LeaseLostMeter signalboxLeaseLostMeter(MeterRegistry meterRegistry) {
        return new LeaseLostMeter(meterRegistry);
    }

    /**
     * Flushes buffered wait and hold times before the Actuator endpoints that read meters answer, so a
     * scrape sees every time recorded before it (see {@link MicrometerPrimitiveMetrics}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(OperationInvokerAdvisor.class)
    static class FlushBeforeActuatorReads {

        /** The endpoints that read Micrometer meters. */
        private static final Set<String> METER_READERS = Set.of("prometheus", "metrics");

        @Bean
        @ConditionalOnMissingBean(name = "signalboxFlushBeforeMeterReads")
        OperationInvokerAdvisor signalboxFlushBeforeMeterReads(MicrometerPrimitiveMetrics metrics) {
            return (endpointId, operationType, parameters, invoker) -> METER_READERS.contains(endpointId.toLowerCaseString())
                    ? flushingFirst(metrics, invoker)
                    : invoker;
        }

        private static OperationInvoker flushingFirst(MicrometerPrimitiveMetrics metrics, OperationInvoker invoker) {
            return context -> {
                metrics.flush();
                return invoker.invoke(context);
            };
        }
    }
}
