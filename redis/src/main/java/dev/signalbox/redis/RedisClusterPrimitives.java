package dev.signalbox.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.redisson.api.RedissonClient;

import dev.signalbox.autoconfigure.ClusterPrimitives;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;

/**
 * The Redis backend of {@code scope = CLUSTER}: locks, semaphores, read-write locks, rate limiters
 * ({@link RedisRateLimiter}) and barriers ({@link RedisBarrier}) shared by every instance that talks
 * to the same Redis, through Redisson (Lua scripts run with {@code EVALSHA}, and pub/sub topics to
 * wake waiters; no thread-bound Redisson lock objects, so a hold may end on any thread).
 *
 * <p><b>What every lock, semaphore and read-write lock here guarantees</b> (details in
 * {@link RedisLock}, {@link RedisSemaphore}, {@link RedisReadWriteLock}):
 * <ul>
 * <li>Local queueing in front of Redis: the callers of this instance for one primitive and key wait
 *     in a local FIFO primitive of the same shape, and only those it admits compete in Redis, so 200
 *     waiters here cost Redis about what one does. No FIFO across instances.</li>
 * <li>Leases: every hold lasts {@code settings.lease()} unless renewed; this instance renews it every
 *     third of a lease while held, so a crashed or paused holder frees it within one lease. A lost
 *     lease is reported ({@link ClusterPermit#isLost()}, {@link PrimitiveListener#onLeaseLost}, a
 *     warning naming guard and key), and closing a lost permit never releases another holder.</li>
 * <li>Fencing: exclusive and write grants carry a token ({@link dev.signalbox.core.Permit#fencingToken()})
 *     that grows strictly per name and key. Redis locks are advisory: with a paused holder, or a
 *     replicated Redis failing over before it replicated a grant, two callers can hold the same lock;
 *     only a store that checks fencing tokens protects data then.</li>
 * <li>Redis unreachable: a call fails with {@link dev.signalbox.core.GuardUnavailableException}
 *     within its timeout, or, with {@code settings.localFallback()}, gets a local permit of the same
 *     shape (logged once per outage). Service resumes by itself when Redis answers again.</li>
 * <li>Keys: {@code keyPrefix + "{" + name + ":" + key + "}"} and a few suffixed keys in the same hash
 *     slot; each is deleted on release or expires within one lease of its last use.</li>
 * </ul>
 *
 * <p>Each call returns a new handle with its own local queue; handles for the same name and key share
 * their Redis state. Costs: an uncontended acquisition and its release are one round trip each (one
 * {@code EVALSHA}); a lock passed from one caller of this instance to the next costs one round trip
 * in all; the renewal is one round trip per hold per third of a lease. Needs Redis 5 or later (scripts
 * read Redis' clock and then write, which needs effect replication).
 */
public final class RedisClusterPrimitives implements ClusterPrimitives, AutoCloseable {

    private final RedisBackend backend;

    public RedisClusterPrimitives(RedissonClient client, RedisClusterSettings settings) {
        this.backend = new RedisBackend(Objects.requireNonNull(client, "client"), Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public String backend() {
        return "redis";
    }

    /** The settings these primitives use. */
    public RedisClusterSettings settings() {
        return backend.settings;
    }

    /**
     * True when Redis answers a trivial command within two seconds (for the health indicator); one
     * round trip, never throws.
     */
    public boolean isAvailable() {
        try {
            backend.client.getBucket(backend.settings.keyPrefix() + "health").isExistsAsync().toCompletableFuture()
                    .get(2, TimeUnit.SECONDS);
            backend.availability.succeeded();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Lock lock(String name, String key, PrimitiveListener listener) {
        return new RedisLock(backend, name, key, listener);
    }

    @Override
    public Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener) {
        return new RedisSemaphore(backend, name, key, permits, listener);
    }

    @Override
    public ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener) {
        return new RedisReadWriteLock(backend, name, key, listener);
    }

    @Override
    public RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener) {
        return new RedisRateLimiter(backend.client, backend.settings, name, key, limit, per, listener);
    }

    @Override
    public Barrier barrier(String name, int parties, PrimitiveListener listener) {
        return new RedisBarrier(backend.client, backend.settings, name, parties, listener);
    }

    /**
     * Stops lease renewal and retry timers. Holds still open are not released: they end with their
     * lease in Redis (their permits may still be closed, which releases them if Redis answers).
     * Does not shut the {@link RedissonClient} down, which belongs to the application.
     */
    @Override
    public void close() {
        backend.close();
    }
}
