package dev.signalbox.redis;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answered lately: one per {@link RedisBackend}, so shared by every lock, semaphore,
 * read-write lock, rate limiter and barrier of one {@link RedisClusterPrimitives}, fed by every
 * {@link RedisBackend#call}. After a failed or unanswered command, Redis counts as down for
 * {@link #RETRY_AFTER_NANOS}: meanwhile cluster calls fail at once (or fall back) instead of each
 * spending its whole timeout on a dead connection; the first call after that tries Redis again, so
 * service resumes by itself when Redis returns. Each outage is logged once, and so is the recovery.
 */
final class RedisAvailability {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterPrimitives.class);

    /** How long Redis counts as down after a failure before a call tries it again. */
    static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final boolean localFallback;
    private final Object lock = new Object();
    private volatile boolean down;
    private volatile long retryAt;

    RedisAvailability(boolean localFallback) {
        this.localFallback = localFallback;
    }

    /** True while Redis failed less than {@link #RETRY_AFTER_NANOS} ago: don't try it now. */
    boolean knownDown() {
        return down && retryAt - System.nanoTime() > 0;
    }

    /** True from a failure until Redis answers again, however long ago it failed. */
    boolean isDown() {
        return down;
    }

    void failed(String what, Throwable cause) {
        if (isShutdown(cause)) {
            return; // the application is stopping its Redisson client: not an outage
        }
        boolean first;
        synchronized (lock) {
            retryAt = System.nanoTime() + RETRY_AFTER_NANOS;
            first = !down;
            down = true;
        }
        if (first) {
            log.warn("Redis did not answer ({}: {}); cluster guards {} until it does", what, describe(cause),
                    localFallback
                            ? "fall back to local primitives of the same shape (signalbox.redis.on-unavailable: local),"
                                    + " which guard only the callers of this instance,"
                            : "fail with GuardUnavailableException (set signalbox.redis.on-unavailable: local to fall back instead)");
        }
    }

    void succeeded() {
        if (down) {
            boolean recovered;
            synchronized (lock) {
                recovered = down;
                down = false;
            }
            if (recovered) {
                log.info("Redis answers again; cluster guards use it again");
            }
        }
    }

    private static boolean isShutdown(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof org.redisson.RedissonShutdownException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t instanceof java.util.concurrent.TimeoutException ? "no answer in time"
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
