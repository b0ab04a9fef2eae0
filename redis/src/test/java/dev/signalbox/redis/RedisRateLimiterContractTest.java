package dev.signalbox.redis;

import java.time.Duration;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.contract.RateLimiterContract;

/**
 * The {@link RateLimiterContract} for the cluster limiter: every limiter of a test on one instance (one
 * {@link RedisClusterPrimitives}, see {@link RedisContractInstance}). What only a cluster limiter does
 * (one window across instances, Redis' keys and their expiry, outages, the cost in round trips) is in
 * {@link RedisRateLimiterTest}.
 */
class RedisRateLimiterContractTest extends RateLimiterContract {

    @RegisterExtension
    static final RedisContractInstance cluster = RedisContractInstance.onItsOwnServer();

    @Override
    protected RateLimiter newRateLimiter(String name, int limit, Duration per, PrimitiveListener listener) {
        return cluster.primitives().rateLimiter(name, null, limit, per, listener);
    }

    /**
     * Redisson's window is timed in whole milliseconds of the caller's wall clock, and a grant leaves it
     * exactly {@code per} later: grants 0, 400 and 800 ms apart by their timestamps can lie 799.x ms
     * apart in real time; the rest covers the wall clock drifting against {@code System.nanoTime()}.
     */
    @Override
    protected Duration clockMargin() {
        return Duration.ofMillis(3);
    }

    /**
     * A call that cannot get its tokens is failed when its timeout has run out in Redisson's timed
     * acquire, not at arrival: the window does not say in advance when it frees.
     */
    @Override
    protected boolean effectsVisibleOnReturn() {
        return false;
    }

    /** Every call is a Redis round trip: a tenth of the local runs keeps the suite to seconds. */
    @Override
    protected int iterations(int localCount) {
        return Math.max(20, localCount / 10);
    }
}
