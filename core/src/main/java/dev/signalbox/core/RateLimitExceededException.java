package dev.signalbox.core;

import java.time.Duration;

/**
 * A rate limiter had no token for the call within its timeout. {@link #getRetryAfter()} says when
 * one will be available, for an HTTP {@code Retry-After} header or a client's back-off.
 */
public class RateLimitExceededException extends SignalboxException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public RateLimitExceededException(String primitiveName, Duration retryAfter) {
        super(primitiveName, "rate limit '" + primitiveName + "' exceeded; the next permit is free in "
                + Durations.format(retryAfter) + ": retry after that, or raise the limit");
        this.retryAfter = retryAfter;
    }

    /** The time until a token is available for the rejected request (never negative). */
    public Duration getRetryAfter() {
        return retryAfter;
    }
}
