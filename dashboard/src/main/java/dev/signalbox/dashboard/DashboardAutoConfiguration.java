package dev.signalbox.dashboard;

import java.time.Clock;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.registry.SignalboxRegistry;

/**
 * The Signalbox dashboard in a Spring MVC application: a page at {@code signalbox.dashboard.path}
 * (default {@code /signalbox}), its data stream, its bundled assets and the sampler that keeps the
 * history. Adding {@code signalbox-dashboard} is the opt-in; {@code signalbox.dashboard.enabled=false}
 * turns it off. The page goes through the application's security like any other URL.
 */
@AutoConfiguration(after = SignalboxAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = {"signalbox.enabled", "signalbox.dashboard.enabled"}, matchIfMissing = true)
@EnableConfigurationProperties(DashboardProperties.class)
@ImportRuntimeHints(DashboardRuntimeHints.class)
public final class DashboardAutoConfiguration {

    /** Fed by every named primitive: the registry composes every PrimitiveListenerFactory bean when it is created. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    DashboardRecorder signalboxDashboardRecorder() {
        return new DashboardRecorder();
    }

    @Bean
    @ConditionalOnMissingBean
    DashboardStream signalboxDashboardStream() {
        return new DashboardStream();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SignalboxRegistry.class)
    DashboardSampler signalboxDashboardSampler(SignalboxRegistry registry, DashboardRecorder recorder,
            DashboardStream stream, DashboardProperties properties) {
        return new DashboardSampler(registry, recorder, stream, properties, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SignalboxRegistry.class)
    DashboardController signalboxDashboardController(DashboardSampler sampler, DashboardStream stream,
            DashboardProperties properties) {
        return new DashboardController(sampler, stream, properties);
    }

    @Bean
    @ConditionalOnMissingBean(name = "signalboxDashboardWebMvcConfigurer")
    WebMvcConfigurer signalboxDashboardWebMvcConfigurer(DashboardProperties properties) {
        String base = properties.normalizedPath();
        return new WebMvcConfigurer() {
            @Override
            public void addResourceHandlers(ResourceHandlerRegistry registry) {
                registry.addResourceHandler(base + "/assets/**")
                        .addResourceLocations("classpath:/META-INF/signalbox-dashboard/");
            }

            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                String role = properties.getRequiredRole();
                if (role != null && !role.isBlank()) {
                    registry.addInterceptor(new RequiredRoleInterceptor(role.strip())).addPathPatterns(base, base + "/**");
                }
            }
        };
    }
}
