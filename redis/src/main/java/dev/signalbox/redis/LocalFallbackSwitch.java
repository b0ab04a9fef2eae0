package dev.signalbox.redis;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/**
 * What a rate limiter or barrier does while Redis is away. Whether Redis is away is not its own
 * knowledge but its backend's {@link RedisAvailability}, shared with every primitive of the same
 * {@link RedisClusterPrimitives} (and logged there, once per outage and once on recovery): a failure
 * any of them sees counts for all. While Redis is known to be down, calls do not ask it: with
 * {@code signalbox.redis.on-unavailable: local} they go to a local primitive of the same shape (made
 * on first use and kept, so its state carries over between outages, reporting its waits as the
 * cluster primitive's); otherwise they fail at once with {@link GuardUnavailableException}. The first
 * call after {@link RedisAvailability#RETRY_AFTER_NANOS} asks Redis again.
 */
final class LocalFallbackSwitch<P extends Primitive> {

    private final RedisAvailability availability;
    private final boolean enabled;
    private final String name;
    private final String subject;
    private final Primitive owner;
    private final Function<PrimitiveListener, P> factory;
    private final PrimitiveListener listener;
    private volatile P local;

    /**
     * @param owner    the cluster primitive; the local one reports its waits to {@code listener} as {@code owner}
     * @param factory  makes the local primitive from the listener it must report to
     */
    LocalFallbackSwitch(RedisBackend backend, String name, String subject, Primitive owner, PrimitiveListener listener,
            Function<PrimitiveListener, P> factory) {
        this.availability = backend.availability;
        this.enabled = backend.settings.localFallback();
        this.name = name;
        this.subject = subject;
        this.owner = owner;
        this.listener = listener == null ? PrimitiveListener.NONE : listener;
        this.factory = factory;
    }

    /** True when falling back is configured. */
    boolean enabled() {
        return enabled;
    }

    /**
     * How long a Redis round trip of a call with {@code remainingNanos} left may take: that (or
     * {@link RedisRoundTrip#UNTIMED_BOUND} for a call with no time of its own); with the fallback on, at
     * most {@link RedisRoundTrip#UNTIMED_BOUND}, so that the local primitive takes over quickly instead
     * of the call waiting out Redisson's retries.
     */
    long roundTripBound(long remainingNanos) {
        long bound = RedisRoundTrip.boundFor(remainingNanos);
        return enabled ? Math.min(bound, RedisRoundTrip.boundFor(0L)) : bound;
    }

    /** True while the local primitive serves calls without asking Redis (Redis is known to be down). */
    boolean active() {
        return enabled && availability.knownDown();
    }

    /** True while Redis is known to be down: a call does not ask it (see the class). */
    boolean redisKnownDown() {
        return availability.knownDown();
    }

    /** The failure of a call that did not ask Redis because it is known to be down (the fallback being off). */
    GuardUnavailableException knownDown(String doing) {
        return RedisRoundTrip.unavailable(name, subject, doing, "Redis failed less than "
                + TimeUnit.NANOSECONDS.toMillis(RedisAvailability.RETRY_AFTER_NANOS) + "ms ago and is not tried again yet", null);
    }

    /** The local primitive, made on first use and kept, so its state carries over between outages. */
    P local() {
        P p = local;
        if (p == null) {
            synchronized (this) {
                p = local;
                if (p == null) {
                    p = factory.apply(reportingAs(owner, listener));
                    local = p;
                }
            }
        }
        return p;
    }

    /**
     * A listener that reports the local primitive's waits as {@code owner}'s. Arrivals are left out:
     * the owner reports every arrival itself, before it knows where the call will be served.
     */
    static PrimitiveListener reportingAs(Primitive owner, PrimitiveListener listener) {
        if (listener == PrimitiveListener.NONE) {
            return PrimitiveListener.NONE;
        }
        return new PrimitiveListener() {
            @Override
            public void onWaitEnded(Primitive primitive, long waitNanos, dev.signalbox.core.Outcome outcome) {
                listener.onWaitEnded(owner, waitNanos, outcome);
            }

            @Override
            public void onReleased(Primitive primitive, long holdNanos) {
                listener.onReleased(owner, holdNanos);
            }
        };
    }
}
