package dev.signalbox.autoconfigure;

import dev.signalbox.registry.PrimitiveStatistics;
import dev.signalbox.registry.SignalboxRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code signalbox} Actuator endpoint, when Actuator is present and the endpoint is available. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
class SignalboxEndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(SignalboxEndpoint.class)
    SignalboxEndpoint signalboxEndpoint(SignalboxRegistry registry, PrimitiveStatistics statistics) {
        return new SignalboxEndpoint(registry, statistics);
    }
}
