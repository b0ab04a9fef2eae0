package dev.signalbox.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.redisson.api.RedissonClient;

import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;

/**
 * The Redis backend of {@code scope = CLUSTER}: locks, semaphores, read-write locks, rate limiters
 * ({@link RedisRateLimiter}) and barriers ({@link RedisBarrier}) shared by every instance that talks
 * to the same Redis, through Redisson. Holds are Redisson's own objects: a lock is a
 * {@code RedissonFencedLock}, a semaphore an {@code RPermitExpirableSemaphore}, a read-write lock an
 * {@code RReadWriteLock}; no lock engine of Signalbox's own runs in Redis. Redisson's locks are bound
 * to a thread id; each attempt here uses a fresh synthetic one, so a hold may end on any thread.
 *
 * <p><b>What every lock, semaphore and read-write lock here guarantees</b> (details in
 * {@link RedisLock}, {@link RedisSemaphore}, {@link RedisReadWriteLock}):
 * <ul>
 * <li>Local queueing in front of Redis: the callers of this instance for one primitive and key wait
 *     in a local FIFO primitive of the same shape, and only those it admits compete in Redis, so 200
 *     waiters here cost Redis about what one does. No FIFO across instances.</li>
 * <li>Leases: the lease is the Redisson client's {@code lockWatchdogTimeout} (Redisson's default 30s;
 *     a client built by Signalbox's auto-configuration sets it from {@code signalbox.redis.lease}).
 *     Redisson's watchdog renews lock and read-write holds every third of it; semaphore permits carry
 *     it explicitly and this instance renews them. Every third of a lease this instance also asks Redis
 *     whether each hold is still its own; a hold Redis no longer has, or that a whole lease passed
 *     without confirming, is lost and reported ({@link ClusterPermit#isLost()},
 *     {@link PrimitiveListener#onLeaseLost}, a warning naming guard and key). Closing a lost permit
 *     never releases another holder: Redisson releases only the thread id or permit id that acquired.</li>
 * <li>Fencing: exclusive and write grants carry a token ({@link dev.signalbox.core.Permit#fencingToken()})
 *     that grows strictly per name and key: Redisson's fenced-lock token, or for writes a Redisson
 *     atomic long. Their counter keys never expire (so tokens never go backwards while Redis keeps its
 *     data): one small key per name and key ever locked. If Redis loses its data (a restart without
 *     persistence, a failover that loses writes) tokens start again at 1. Redis locks are advisory: with
 *     a paused holder, or a replicated Redis failing over before it replicated a grant, two callers can
 *     hold the same lock; only a store that checks fencing tokens protects data then.</li>
 * <li>Redis unreachable: a call fails with {@link dev.signalbox.core.GuardUnavailableException}
 *     within its timeout (every Redisson call is bounded by a timer of ours, never by Redisson's
 *     retries), or, with {@code settings.localFallback()}, gets a local permit of the same shape
 *     (logged once per outage). Service resumes by itself when Redis answers again.</li>
 * <li>Keys: Redisson's object is named {@code keyPrefix + "{" + name + ":" + key + "}"}; Redisson
 *     derives its own keys and channels from that name ({@code redisson_lock_token:<name>},
 *     {@code redisson_lock__channel:<name>}, {@code <name>:timeout}, ...), and Signalbox adds
 *     {@code <name>:holders} and {@code <name>:waiting} for {@code members()}. All but the token
 *     counters are deleted on release or expire within two leases of their last use.</li>
 * </ul>
 *
 * <p>Each call returns a new handle with its own local queue; handles for the same name and key share
 * their Redis state. Costs, measured with {@code INFO commandstats}: an uncontended lock acquisition
 * and its release are one Redisson script call each on the caller's path (one round trip each); the
 * members registry and Redisson's unlock latch add three commands the caller does not wait for.
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
        return new RedisRateLimiter(backend, name, key, limit, per, listener);
    }

    @Override
    public Barrier barrier(String name, int parties, PrimitiveListener listener) {
        return new RedisBarrier(backend, name, parties, listener);
    }

    /**
     * Stops the lease checks (and the semaphore renewals). Holds still open are not released: their
     * permits may still be closed, which releases them if Redis answers; lock holds stay renewed by
     * Redisson's watchdog until then or until the client shuts down, semaphore permits end with their
     * lease. Does not shut the {@link RedissonClient} down, which belongs to the application.
     */
    @Override
    public void close() {
        backend.close();
    }
}
