package dev.signalbox.autoconfigure;

import dev.signalbox.spring.web.SignalboxHandlerExceptionResolver;
import dev.signalbox.spring.web.SignalboxWebExceptionHandler;

import java.time.Duration;

import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Kind;
import dev.signalbox.core.RateLimitExceededException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalboxWebExceptionHandlerTests {

    private final SignalboxWebExceptionHandler handler = new SignalboxWebExceptionHandler();

    @Test
    void rateLimitBecomes429WithRetryAfterRoundedUp() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/score/42"));
        handler.handle(exchange, new RateLimitExceededException("fraud-api", Duration.ofMillis(1_200))).block(Duration.ofSeconds(10));
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("2");
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(10)))
                .contains("\"status\":429", "\"primitive\":\"fraud-api\"", "\"instance\":\"/score/42\"");
    }

    @Test
    void timeoutsAndBrokenBarriersBecome503() {
        MockServerWebExchange timeout = MockServerWebExchange.from(MockServerHttpRequest.get("/transfer"));
        handler.handle(timeout, new GuardTimeoutException("accounts", Kind.LOCK, Duration.ofSeconds(2))).block(Duration.ofSeconds(10));
        assertThat(timeout.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(timeout.getResponse().getHeaders().containsHeader("Retry-After")).isFalse();

        MockServerWebExchange broken = MockServerWebExchange.from(MockServerHttpRequest.get("/settle"));
        handler.handle(broken, new BarrierBrokenException("settlement", "a party timed out")).block(Duration.ofSeconds(10));
        assertThat(broken.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void otherExceptionsPassThrough() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));
        IllegalStateException other = new IllegalStateException("not ours");
        assertThatThrownBy(() -> handler.handle(exchange, other).block(Duration.ofSeconds(10))).isSameAs(other);
    }

    @Test
    void registeredOnlyInReactiveWebApplications() {
        new ReactiveWebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class))
                .run(context -> assertThat(context).hasSingleBean(SignalboxWebExceptionHandler.class)
                        .doesNotHaveBean(SignalboxHandlerExceptionResolver.class));
    }
}
