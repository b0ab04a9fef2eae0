package dev.signalbox.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;
import dev.signalbox.core.RateLimiter;

/**
 * The gate of a {@code @RateLimited} method without a key: one token from the limiter, taken before
 * the body runs and never given back.
 *
 * @param limiter the limiter of all calls
 * @param timeout the longest wait for a token; zero rejects at once
 */
record UnkeyedRateLimitGate(RateLimiter limiter, Duration timeout) implements CallGate {

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        limiter.acquire(timeout);
        return NOTHING_HELD;
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        return limiter.acquireAsync(timeout).thenApply(ignored -> NOTHING_HELD);
    }
}
