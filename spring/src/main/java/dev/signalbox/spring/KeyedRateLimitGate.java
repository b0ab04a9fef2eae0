package dev.signalbox.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Permit;
import dev.signalbox.core.RateLimiter;

/**
 * The gate of a {@code @RateLimited} method with a key: one token from the key's bucket, taken before
 * the body runs and never given back. The bucket is borrowed while its caller waits, so it cannot be
 * evicted (and refilled) under a waiting caller.
 *
 * @param buckets the buckets, by key
 * @param key     the key of a call
 * @param timeout the longest wait for a token; zero rejects at once
 */
record KeyedRateLimitGate(KeyedRegistry<Object, RateLimiter> buckets, KeyExpression key, Duration timeout) implements CallGate {

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        try (KeyedRegistry.Handle<Object, RateLimiter> bucket = buckets.borrow(key.evaluate(args))) {
            bucket.primitive().acquire(timeout);
        }
        return NOTHING_HELD;
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        KeyedRegistry.Handle<Object, RateLimiter> bucket = buckets.borrow(key.evaluate(args));
        CompletableFuture<Void> token = bucket.primitive().acquireAsync(timeout);
        token.whenComplete((ignored, error) -> bucket.close());
        return CancellableStage.of(token, ignored -> NOTHING_HELD);
    }
}
