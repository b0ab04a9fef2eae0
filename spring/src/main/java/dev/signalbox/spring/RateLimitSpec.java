package dev.signalbox.spring;

import java.time.Duration;
import java.util.Optional;

import dev.signalbox.annotation.Scope;

/**
 * A {@code @RateLimited} annotation on one method, resolved and validated at startup (overrides from
 * the configuration applied): a limit of at least 1 per a positive period, a timeout, a parsed key.
 *
 * @param name    the rate limiter's name in the registry
 * @param limit   calls admitted per {@code per}
 * @param per     the refill period
 * @param timeout the longest wait for a token; zero rejects at once
 * @param scope   LOCAL, or CLUSTER (a backend exists: the resolver checked)
 * @param key     the parsed key expression (in string form for CLUSTER), or empty for one bucket for all calls
 * @param where   how messages name this annotation: {@code @RateLimited("partner") on Api.call()}
 */
record RateLimitSpec(String name, int limit, Duration per, Duration timeout, Scope scope, Optional<KeyExpression> key,
        String where) {
}
