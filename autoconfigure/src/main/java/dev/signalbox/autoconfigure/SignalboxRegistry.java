package dev.signalbox.autoconfigure;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.BoundedQueue;
import dev.signalbox.core.Condition;
import dev.signalbox.core.Event;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.ResourcePool;
import dev.signalbox.core.Semaphore;
import dev.signalbox.core.WorkerPool;

/**
 * Every named primitive of the application, annotated or programmatic: inject it to get the named
 * Lock, Semaphore, Event, Condition, Barrier, BoundedQueue, ResourcePool, WorkerPool or RateLimiter,
 * instrumented and listed in metrics, the Actuator endpoint and the dashboard exactly like the
 * primitives behind annotations.
 *
 * <p>A name is one primitive: asking again with the same shape returns the same instance, and
 * asking for a name with a different shape (another kind, other permits, the other scope...) fails
 * with a message naming both, rather than silently sharing or splitting a guard. The primitives of
 * {@code scope = CLUSTER} annotations are registered here too, with {@link Registration#scope()}
 * {@code CLUSTER}, so meters, the endpoint and the dashboard show them like local ones.
 */
public final class SignalboxRegistry {

    private final PrimitiveListenerFactory listeners;
    private final Map<String, Registration> byName = new ConcurrentHashMap<>();

    public SignalboxRegistry(PrimitiveListenerFactory listeners) {
        this.listeners = listeners;
    }

    /** A registry whose primitives report to no listener. */
    public static SignalboxRegistry uninstrumented() {
        return new SignalboxRegistry((name, kind, scope, state) -> PrimitiveListener.NONE);
    }

    public Lock lock(String name) {
        return single(name, Kind.LOCK, "lock", listener -> Lock.create(name, listener));
    }

    public Semaphore semaphore(String name, int permits) {
        return single(name, Kind.SEMAPHORE, "semaphore with " + permits + " permits",
                listener -> Semaphore.create(name, permits, listener));
    }

    public ReadWriteLock readWriteLock(String name) {
        return single(name, Kind.READ_WRITE_LOCK, "read-write lock", listener -> ReadWriteLock.create(name, listener));
    }

    public Event event(String name) {
        return single(name, Kind.EVENT, "event", listener -> Event.create(name, listener));
    }

    /** A condition bound to the lock named {@code lockName} (created if needed). */
    public Condition condition(String name, String lockName) {
        Lock lock = lock(lockName);
        return single(name, Kind.CONDITION, "condition of lock '" + lockName + "'",
                listener -> lock.newCondition(name, listener));
    }

    public dev.signalbox.core.Barrier barrier(String name, int parties) {
        return single(name, Kind.BARRIER, "barrier of " + parties + " parties",
                listener -> dev.signalbox.core.Barrier.create(name, parties, listener));
    }

    public <T> BoundedQueue<T> queue(String name, int capacity) {
        return single(name, Kind.QUEUE, "queue of capacity " + capacity,
                listener -> BoundedQueue.<T>create(name, capacity, listener));
    }

    /** A pool of the given resources; asking again by name returns the first pool, whatever resources are passed. */
    public <R> ResourcePool<R> resourcePool(String name, Collection<? extends R> resources) {
        Registration existing = byName.get(name);
        if (existing != null && existing.kind() == Kind.RESOURCE_POOL) {
            @SuppressWarnings("unchecked")
            ResourcePool<R> pool = (ResourcePool<R>) existing.primitive;
            return pool;
        }
        return single(name, Kind.RESOURCE_POOL, "resource pool",
                listener -> ResourcePool.<R>create(name, resources, listener));
    }

    public WorkerPool workerPool(String name, int workers, int queueCapacity) {
        return single(name, Kind.WORKER_POOL, "worker pool of " + workers + " workers and queue capacity " + queueCapacity,
                listener -> WorkerPool.create(name, workers, queueCapacity, listener));
    }

    public RateLimiter rateLimiter(String name, int limit, Duration per) {
        return single(name, Kind.RATE_LIMITER, "rate limiter of " + limit + " per " + per,
                listener -> RateLimiter.create(name, limit, per, listener));
    }

    /** One lock per key, evicted when idle; all keys share the name's meters. */
    public <K> KeyedRegistry<K, Lock> keyedLocks(String name) {
        return keyed(name, Kind.LOCK, "keyed lock", listener -> key -> Lock.create(name, listener), null);
    }

    public <K> KeyedRegistry<K, Semaphore> keyedSemaphores(String name, int permits) {
        return keyed(name, Kind.SEMAPHORE, "keyed semaphore with " + permits + " permits",
                listener -> key -> Semaphore.create(name, permits, listener), null);
    }

    public <K> KeyedRegistry<K, ReadWriteLock> keyedReadWriteLocks(String name) {
        return keyed(name, Kind.READ_WRITE_LOCK, "keyed read-write lock",
                listener -> key -> ReadWriteLock.create(name, listener), null);
    }

    /** One bucket per key; a bucket is evicted only once full again, so eviction never over-admits. */
    public <K> KeyedRegistry<K, RateLimiter> keyedRateLimiters(String name, int limit, Duration per) {
        return keyed(name, Kind.RATE_LIMITER, "keyed rate limiter of " + limit + " per " + per,
                listener -> key -> RateLimiter.create(name, limit, per, listener), RateLimiter::isIdle);
    }

    // Cluster primitives (scope = CLUSTER), made by the backend; the planner asks for them. A name
    // is one primitive whatever its scope: asking for a local and a cluster one of the same name fails.
    // Keyed families are keyed by the key's string form (the backend's key), ordered by it for
    // multi-key acquisitions, so that every instance acquires several keys in the same order.

    Lock clusterLock(String name, ClusterPrimitives backend) {
        return single(name, Kind.LOCK, Scope.CLUSTER, "lock", listener -> backend.lock(name, null, listener));
    }

    Semaphore clusterSemaphore(String name, int permits, ClusterPrimitives backend) {
        return single(name, Kind.SEMAPHORE, Scope.CLUSTER, "semaphore with " + permits + " permits",
                listener -> backend.semaphore(name, null, permits, listener));
    }

    ReadWriteLock clusterReadWriteLock(String name, ClusterPrimitives backend) {
        return single(name, Kind.READ_WRITE_LOCK, Scope.CLUSTER, "read-write lock",
                listener -> backend.readWriteLock(name, null, listener));
    }

    RateLimiter clusterRateLimiter(String name, int limit, Duration per, ClusterPrimitives backend) {
        return single(name, Kind.RATE_LIMITER, Scope.CLUSTER, "rate limiter of " + limit + " per " + per,
                listener -> backend.rateLimiter(name, null, limit, per, listener));
    }

    dev.signalbox.core.Barrier clusterBarrier(String name, int parties, ClusterPrimitives backend) {
        return single(name, Kind.BARRIER, Scope.CLUSTER, "barrier of " + parties + " parties",
                listener -> backend.barrier(name, parties, listener));
    }

    KeyedRegistry<String, Lock> keyedClusterLocks(String name, ClusterPrimitives backend) {
        return keyedCluster(name, Kind.LOCK, "keyed lock", listener -> key -> backend.lock(name, key, listener));
    }

    KeyedRegistry<String, Semaphore> keyedClusterSemaphores(String name, int permits, ClusterPrimitives backend) {
        return keyedCluster(name, Kind.SEMAPHORE, "keyed semaphore with " + permits + " permits",
                listener -> key -> backend.semaphore(name, key, permits, listener));
    }

    KeyedRegistry<String, ReadWriteLock> keyedClusterReadWriteLocks(String name, ClusterPrimitives backend) {
        return keyedCluster(name, Kind.READ_WRITE_LOCK, "keyed read-write lock",
                listener -> key -> backend.readWriteLock(name, key, listener));
    }

    /** A key's bucket lives in the backend, so its local handle is dropped as soon as nobody borrows it. */
    KeyedRegistry<String, RateLimiter> keyedClusterRateLimiters(String name, int limit, Duration per, ClusterPrimitives backend) {
        return keyedCluster(name, Kind.RATE_LIMITER, "keyed rate limiter of " + limit + " per " + per,
                listener -> key -> backend.rateLimiter(name, key, limit, per, listener));
    }

    /** Every registered name, in no particular order. */
    public Collection<Registration> registrations() {
        return List.copyOf(byName.values());
    }

    public Optional<Registration> registration(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private <P extends Primitive> P single(String name, Kind kind, String shape, Function<PrimitiveListener, P> create) {
        return single(name, kind, Scope.LOCAL, shape, create);
    }

    private <P extends Primitive> P single(String name, Kind kind, Scope scope, String shape, Function<PrimitiveListener, P> create) {
        Registration registration = byName.computeIfAbsent(name, n -> {
            Registration r = new Registration(n, kind, scope, shape);
            r.primitive = create.apply(listeners.listenerFor(n, kind, scope, r::snapshot));
            return r;
        });
        registration.requireShape(kind, scope, shape, false);
        @SuppressWarnings("unchecked")
        P primitive = (P) registration.primitive;
        return primitive;
    }

    private <K, P extends Primitive> KeyedRegistry<K, P> keyed(String name, Kind kind, String shape,
            Function<PrimitiveListener, Function<K, P>> factory, Predicate<? super P> isIdle) {
        Registration registration = byName.computeIfAbsent(name, n -> {
            Registration r = new Registration(n, kind, Scope.LOCAL, shape);
            Function<K, P> perKey = factory.apply(listeners.listenerFor(n, kind, Scope.LOCAL, r::snapshot));
            r.keyed = isIdle == null ? KeyedRegistry.create(n, perKey) : KeyedRegistry.create(n, perKey, isIdle);
            return r;
        });
        registration.requireShape(kind, Scope.LOCAL, shape, true);
        @SuppressWarnings("unchecked")
        KeyedRegistry<K, P> keyed = (KeyedRegistry<K, P>) registration.keyed;
        return keyed;
    }

    private <P extends Primitive> KeyedRegistry<String, P> keyedCluster(String name, Kind kind, String shape,
            Function<PrimitiveListener, Function<String, P>> factory) {
        Registration registration = byName.computeIfAbsent(name, n -> {
            Registration r = new Registration(n, kind, Scope.CLUSTER, shape);
            Function<String, P> perKey = factory.apply(listeners.listenerFor(n, kind, Scope.CLUSTER, r::snapshot));
            r.keyed = KeyedRegistry.createInKeyOrder(n, Comparator.naturalOrder(), perKey);
            return r;
        });
        registration.requireShape(kind, Scope.CLUSTER, shape, true);
        @SuppressWarnings("unchecked")
        KeyedRegistry<String, P> keyed = (KeyedRegistry<String, P>) registration.keyed;
        return keyed;
    }
}
