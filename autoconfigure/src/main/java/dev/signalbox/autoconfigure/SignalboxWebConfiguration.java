package dev.signalbox.autoconfigure;

import dev.signalbox.spring.web.SignalboxHandlerExceptionResolver;
import dev.signalbox.spring.web.SignalboxWebExceptionHandler;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Problem responses for Signalbox's exceptions, in Spring MVC and in Spring WebFlux applications. */
@Configuration(proxyBeanMethods = false)
@Import({SignalboxWebConfiguration.Servlet.class, SignalboxWebConfiguration.Reactive.class})
class SignalboxWebConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.HandlerExceptionResolver")
    static class Servlet {

        @Bean
        @ConditionalOnMissingBean
        SignalboxHandlerExceptionResolver signalboxHandlerExceptionResolver() {
            return new SignalboxHandlerExceptionResolver();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.web.server.WebExceptionHandler")
    static class Reactive {

        @Bean
        @ConditionalOnMissingBean
        SignalboxWebExceptionHandler signalboxWebExceptionHandler() {
            return new SignalboxWebExceptionHandler();
        }
    }
}
