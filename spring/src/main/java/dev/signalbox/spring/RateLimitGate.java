package dev.signalbox.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Permit;
import dev.signalbox.core.RateLimiter;

/**
 * The gate of a {@code @RateLimited} method: one token from the limiter (or from the key's bucket),
 * taken before the body runs and never given back. A key's bucket is borrowed while its caller
 * waits, so it cannot be evicted (and refilled) under a waiting caller.
 */
final class RateLimitGate implements CallGate {

    private final Duration timeout;
    private final RateLimiter single;
    private final KeyedRegistry<Object, RateLimiter> keyed;
    private final KeyExpression key;

    private RateLimitGate(Duration timeout, RateLimiter single, KeyedRegistry<Object, RateLimiter> keyed, KeyExpression key) {
        this.timeout = timeout;
        this.single = single;
        this.keyed = keyed;
        this.key = key;
    }

    static RateLimitGate unkeyed(Duration timeout, RateLimiter limiter) {
        return new RateLimitGate(timeout, limiter, null, null);
    }

    static RateLimitGate keyed(Duration timeout, KeyedRegistry<Object, RateLimiter> buckets, KeyExpression key) {
        return new RateLimitGate(timeout, null, buckets, key);
    }

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        if (single != null) {
            single.acquire(timeout);
            return NOTHING_HELD;
        }
        try (KeyedRegistry.Handle<Object, RateLimiter> bucket = keyed.borrow(key.evaluate(args))) {
            bucket.primitive().acquire(timeout);
        }
        return NOTHING_HELD;
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        if (single != null) {
            return single.acquireAsync(timeout).thenApply(ignored -> NOTHING_HELD);
        }
        KeyedRegistry.Handle<Object, RateLimiter> bucket = keyed.borrow(key.evaluate(args));
        CompletableFuture<Void> token = bucket.primitive().acquireAsync(timeout);
        token.whenComplete((ignored, error) -> bucket.close());
        return CancellableStage.of(token, ignored -> NOTHING_HELD);
    }
}
