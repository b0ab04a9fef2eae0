package dev.signalbox.redis;

import java.time.Duration;

/**
 * How cluster primitives use Redis (bound from {@code signalbox.redis.*} by the auto-configuration).
 *
 * @param keyPrefix       the start of every Redis key Signalbox writes, e.g. {@code signalbox:}
 * @param lease           how long a hold lasts without renewal; renewed while held, so a crashed
 *                        holder frees its guard within one lease. Holds use the Redisson client's
 *                        {@code lockWatchdogTimeout} (Redisson's watchdog renews with it): a client
 *                        built by the auto-configuration gets this value; with an application's own
 *                        client this is only compared with it (a difference is logged)
 * @param instanceId      this instance's id, shown to operators as the holder or waiter
 * @param localFallback   when Redis is unreachable: {@code true} falls back to a local primitive of the
 *                        same shape (logged once), {@code false} fails the call with
 *                        {@link dev.signalbox.core.GuardUnavailableException}
 */
public record RedisClusterSettings(String keyPrefix, Duration lease, String instanceId, boolean localFallback) {

    public RedisClusterSettings {
        if (keyPrefix == null || keyPrefix.isBlank()) {
            throw new IllegalArgumentException("signalbox.redis.key-prefix must not be empty; the default is \"signalbox:\"");
        }
        if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("signalbox.redis.lease = " + lease + ": a lease must be at least 1s (default 30s)");
        }
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("signalbox.redis.instance-id must not be empty");
        }
    }
}
