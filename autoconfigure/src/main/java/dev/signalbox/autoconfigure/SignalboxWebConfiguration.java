package dev.signalbox.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Problem responses for Signalbox's exceptions in Spring MVC applications. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springframework.web.servlet.HandlerExceptionResolver")
class SignalboxWebConfiguration {

    @Bean
    SignalboxHandlerExceptionResolver signalboxHandlerExceptionResolver() {
        return new SignalboxHandlerExceptionResolver();
    }
}
