package dev.signalbox.redis;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/**
 * The {@code signalbox.redis.on-unavailable: local} switch of one cluster primitive. Off, it does
 * nothing (calls fail with {@link dev.signalbox.core.GuardUnavailableException}). On, a call that finds
 * Redis unreachable is served by a local primitive of the same shape, and for the next
 * {@link #RETRY_REDIS_AFTER} every call goes straight to it (so an outage does not cost each call a
 * bounded wait for Redis); the first call after that tries Redis again, and once Redis answers the
 * primitive is cluster-wide again. Each outage is logged once per instance and name, and so is the
 * recovery, however many handles and keys meet it.
 */
final class LocalFallbackSwitch<P extends Primitive> {

    private static final Logger log = LoggerFactory.getLogger(LocalFallbackSwitch.class);

    /** How long after a failed Redis call the local primitive serves calls without asking Redis. */
    static final Duration RETRY_REDIS_AFTER = Duration.ofSeconds(1);

    /** Outages logged and not yet recovered, as "instance prefix+name". */
    private static final Set<String> OUTAGES = ConcurrentHashMap.newKeySet();

    private final boolean enabled;
    private final String outageId;
    private final String subject;
    private final Primitive owner;
    private final Function<PrimitiveListener, P> factory;
    private final PrimitiveListener listener;
    private volatile P local;
    private volatile boolean redisDown;
    private volatile long retryRedisAt;

    /**
     * @param owner    the cluster primitive; the local one reports its waits to {@code listener} as {@code owner}
     * @param factory  makes the local primitive from the listener it must report to
     */
    LocalFallbackSwitch(RedisClusterSettings settings, String redisName, String subject, Primitive owner,
            PrimitiveListener listener, Function<PrimitiveListener, P> factory) {
        this.enabled = settings.localFallback();
        this.outageId = settings.instanceId() + " " + redisName;
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

    /** True while the local primitive serves calls without asking Redis (a recent call found Redis away). */
    boolean active() {
        return enabled && redisDown && System.nanoTime() - retryRedisAt < 0L;
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

    /** A Redis call failed: with the fallback on, the local primitive serves calls for a while (logged once). */
    void redisFailed(Throwable cause) {
        if (!enabled) {
            return;
        }
        retryRedisAt = System.nanoTime() + RETRY_REDIS_AFTER.toNanos();
        redisDown = true;
        if (OUTAGES.add(outageId)) {
            log.warn("{}: Redis is unreachable ({}); falling back to a local primitive on this instance (it limits this"
                    + " instance only) until Redis answers again", subject, cause.getMessage());
        }
    }

    /** A Redis call succeeded: the primitive is cluster-wide (again). */
    void redisAnswered() {
        if (redisDown) {
            redisDown = false;
            if (OUTAGES.remove(outageId)) {
                log.info("{}: Redis answers again; cluster-wide again", subject);
            }
        }
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
