package dev.signalbox.core.contract;

import java.time.Duration;

import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;

/** The {@link RateLimiterContract} for the local limiter (on {@link System#nanoTime()}: no clock margin). */
class LocalRateLimiterContractTest extends RateLimiterContract {

    @Override
    protected RateLimiter newRateLimiter(String name, int limit, Duration per, PrimitiveListener listener) {
        return RateLimiter.create(name, limit, per, listener);
    }
}
