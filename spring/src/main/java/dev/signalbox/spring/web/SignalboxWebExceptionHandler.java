package dev.signalbox.spring.web;

import java.nio.charset.StandardCharsets;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;

/**
 * Spring WebFlux: turns Signalbox's exceptions into problem responses (see {@link ProblemResponses}).
 * A {@link WebExceptionHandler} only sees what the application's {@code @ExceptionHandler}s left
 * unhandled, so those take precedence; it runs just before Spring Boot's error handler (order -1).
 */
public final class SignalboxWebExceptionHandler implements WebExceptionHandler, Ordered {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ProblemResponses.Problem problem = ProblemResponses.of(ex);
        ServerHttpResponse response = exchange.getResponse();
        if (problem == null || response.isCommitted()) {
            return Mono.error(ex);
        }
        response.setStatusCode(HttpStatus.valueOf(problem.status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.retryAfterSeconds() >= 0) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
        }
        byte[] body = problem.toJson(exchange.getRequest().getPath().value()).getBytes(StandardCharsets.UTF_8);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    @Override
    public int getOrder() {
        return -2;
    }
}
