package dev.signalbox.spring.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Spring MVC: turns Signalbox's exceptions into problem responses (see {@link ProblemResponses}).
 * Ordered last, after the resolver of {@code @ExceptionHandler} methods, so an application's own
 * handlers for these exceptions always take precedence.
 */
public final class SignalboxHandlerExceptionResolver implements HandlerExceptionResolver, Ordered {

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        ProblemResponses.Problem problem = ProblemResponses.of(ex);
        if (problem == null || response.isCommitted()) {
            return null;
        }
        try {
            response.setStatus(problem.status());
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            if (problem.retryAfterSeconds() >= 0) {
                response.setHeader("Retry-After", Long.toString(problem.retryAfterSeconds()));
            }
            response.getWriter().write(problem.toJson(request.getRequestURI()));
            return new ModelAndView();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
