package dev.signalbox.registry;

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
import dev.signalbox.core.Barrier;
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
 * {@code CLUSTER}, so meters, the endpoint and the dashboard show them like local ones: the kinds
 * that exist in both scopes take a {@link PrimitiveFactory} ({@link PrimitiveFactory#local()} by
 * default, or a {@link ClusterPrimitives} backend), whose {@link PrimitiveFactory#scope()} is the
 * registration's scope.
 *
 * <p>Spring Boot's auto-configuration declares one as a bean; outside Spring, make one with the
 * listeners to report to (or {@link #uninstrumented()}). Thread-safe.
 */
public final class SignalboxRegistry {

    private final PrimitiveListenerFactory listeners;
    private final Map<String, Registration> byName = new ConcurrentHashMap<>();

    /** A registry whose primitives report to the listener {@code listeners} makes for each name. */
    public SignalboxRegistry(PrimitiveListenerFactory listeners) {
        this.listeners = listeners;
    }

    /** A registry whose primitives report to no listener. */
    public static SignalboxRegistry uninstrumented() {
        return new SignalboxRegistry((name, kind, scope, state) -> PrimitiveListener.NONE);
    }

    public Lock lock(String name) {
        return lock(name, PrimitiveFactory.local());
    }

    /** The lock named {@code name}, made by {@code factory} (of its scope). */
    public Lock lock(String name, PrimitiveFactory factory) {
        return single(name, Shape.lock(factory.scope(), false), listener -> factory.lock(name, null, listener));
    }

    public Semaphore semaphore(String name, int permits) {
        return semaphore(name, permits, PrimitiveFactory.local());
    }

    public Semaphore semaphore(String name, int permits, PrimitiveFactory factory) {
        return single(name, Shape.semaphore(factory.scope(), false, permits),
                listener -> factory.semaphore(name, null, permits, listener));
    }

    public ReadWriteLock readWriteLock(String name) {
        return readWriteLock(name, PrimitiveFactory.local());
    }

    public ReadWriteLock readWriteLock(String name, PrimitiveFactory factory) {
        return single(name, Shape.readWriteLock(factory.scope(), false),
                listener -> factory.readWriteLock(name, null, listener));
    }

    public Event event(String name) {
        return single(name, Shape.event(), listener -> Event.create(name, listener));
    }

    /** A condition bound to the lock named {@code lockName} (created if needed). */
    public Condition condition(String name, String lockName) {
        Lock lock = lock(lockName);
        return single(name, Shape.condition(lockName),
                listener -> lock.newCondition(name, listener));
    }

    public Barrier barrier(String name, int parties) {
        return barrier(name, parties, PrimitiveFactory.local());
    }

    public Barrier barrier(String name, int parties, PrimitiveFactory factory) {
        return single(name, Shape.barrier(factory.scope(), parties),
                listener -> factory.barrier(name, parties, listener));
    }

    public <T> BoundedQueue<T> queue(String name, int capacity) {
        return single(name, Shape.queue(capacity),
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
        return single(name, Shape.resourcePool(),
                listener -> ResourcePool.<R>create(name, resources, listener));
    }

    public WorkerPool workerPool(String name, int workers, int queueCapacity) {
        return single(name, Shape.workerPool(workers, queueCapacity),
                listener -> WorkerPool.create(name, workers, queueCapacity, listener));
    }

    public RateLimiter rateLimiter(String name, int limit, Duration per) {
        return rateLimiter(name, limit, per, PrimitiveFactory.local());
    }

    public RateLimiter rateLimiter(String name, int limit, Duration per, PrimitiveFactory factory) {
        return single(name, Shape.rateLimiter(factory.scope(), false, limit, per),
                listener -> factory.rateLimiter(name, null, limit, per, listener));
    }

    // Keyed families. Local ones are keyed by the key objects themselves. Through a factory, a family
    // is keyed by the key's string form (a cluster backend's key), and a multi-key acquisition takes
    // the keys in their natural order, so every instance acquires several keys in the same order.

    /** One lock per key, evicted when idle; all keys share the name's meters. */
    public <K> KeyedRegistry<K, Lock> keyedLocks(String name) {
        return keyed(name, Shape.lock(Scope.LOCAL, true), listener -> key -> Lock.create(name, listener), null);
    }

    /** One lock per key's string form, made by {@code factory}. */
    public KeyedRegistry<String, Lock> keyedLocks(String name, PrimitiveFactory factory) {
        return keyedByString(name, Shape.lock(factory.scope(), true), listener -> key -> factory.lock(name, key, listener), null);
    }

    public <K> KeyedRegistry<K, Semaphore> keyedSemaphores(String name, int permits) {
        return keyed(name, Shape.semaphore(Scope.LOCAL, true, permits),
                listener -> key -> Semaphore.create(name, permits, listener), null);
    }

    public KeyedRegistry<String, Semaphore> keyedSemaphores(String name, int permits, PrimitiveFactory factory) {
        return keyedByString(name, Shape.semaphore(factory.scope(), true, permits),
                listener -> key -> factory.semaphore(name, key, permits, listener), null);
    }

    public <K> KeyedRegistry<K, ReadWriteLock> keyedReadWriteLocks(String name) {
        return keyed(name, Shape.readWriteLock(Scope.LOCAL, true),
                listener -> key -> ReadWriteLock.create(name, listener), null);
    }

    public KeyedRegistry<String, ReadWriteLock> keyedReadWriteLocks(String name, PrimitiveFactory factory) {
        return keyedByString(name, Shape.readWriteLock(factory.scope(), true),
                listener -> key -> factory.readWriteLock(name, key, listener), null);
    }

    /** One bucket per key; a bucket is evicted only once full again, so eviction never over-admits. */
    public <K> KeyedRegistry<K, RateLimiter> keyedRateLimiters(String name, int limit, Duration per) {
        return keyed(name, Shape.rateLimiter(Scope.LOCAL, true, limit, per),
                listener -> key -> RateLimiter.create(name, limit, per, listener), RateLimiter::isIdle);
    }

    /**
     * One bucket per key's string form, made by {@code factory}. A local bucket is evicted only once
     * full again; a cluster bucket lives in the backend, so its local handle is dropped as soon as
     * nobody borrows it.
     */
    public KeyedRegistry<String, RateLimiter> keyedRateLimiters(String name, int limit, Duration per, PrimitiveFactory factory) {
        return keyedByString(name, Shape.rateLimiter(factory.scope(), true, limit, per),
                listener -> key -> factory.rateLimiter(name, key, limit, per, listener),
                factory.scope() == Scope.LOCAL ? RateLimiter::isIdle : null);
    }

    /** Every registered name, in no particular order. */
    public Collection<Registration> registrations() {
        return List.copyOf(byName.values());
    }

    public Optional<Registration> registration(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private <P extends Primitive> P single(String name, Shape shape, Function<PrimitiveListener, P> create) {
        Registration registration = byName.computeIfAbsent(name, n -> {
            Registration r = new Registration(n, shape);
            r.primitive = create.apply(listeners.listenerFor(n, shape.kind(), shape.scope(), r::snapshot));
            return r;
        });
        registration.requireShape(shape);
        @SuppressWarnings("unchecked")
        P primitive = (P) registration.primitive;
        return primitive;
    }

    /** A local family keyed by the key objects, ranked by creation for multi-key acquisitions. */
    private <K, P extends Primitive> KeyedRegistry<K, P> keyed(String name, Shape shape,
            Function<PrimitiveListener, Function<K, P>> perKeyFactory, Predicate<? super P> isIdle) {
        return keyed(name, shape, perKeyFactory, isIdle, null);
    }

    /** A family of its shape's scope (its factory's) keyed by the keys' string form, ranked by key for multi-key acquisitions. */
    private <P extends Primitive> KeyedRegistry<String, P> keyedByString(String name, Shape shape,
            Function<PrimitiveListener, Function<String, P>> perKeyFactory, Predicate<? super P> isIdle) {
        return keyed(name, shape, perKeyFactory, isIdle, Comparator.naturalOrder());
    }

    /**
     * @param isIdle null: a key's primitive is evicted as soon as nobody borrows it
     * @param keyOrder null: multi-key acquisitions rank keys by when their primitives were created
     */
    private <K, P extends Primitive> KeyedRegistry<K, P> keyed(String name, Shape shape,
            Function<PrimitiveListener, Function<K, P>> perKeyFactory, Predicate<? super P> isIdle, Comparator<? super K> keyOrder) {
        Registration registration = byName.computeIfAbsent(name, n -> {
            Registration r = new Registration(n, shape);
            Function<K, P> perKey = perKeyFactory.apply(listeners.listenerFor(n, shape.kind(), shape.scope(), r::snapshot));
            if (keyOrder == null) {
                r.keyed = isIdle == null ? KeyedRegistry.create(n, perKey) : KeyedRegistry.create(n, perKey, isIdle);
            } else {
                r.keyed = isIdle == null ? KeyedRegistry.createInKeyOrder(n, keyOrder, perKey)
                        : KeyedRegistry.createInKeyOrder(n, keyOrder, perKey, isIdle);
            }
            return r;
        });
        registration.requireShape(shape);
        @SuppressWarnings("unchecked")
        KeyedRegistry<K, P> keyed = (KeyedRegistry<K, P>) registration.keyed;
        return keyed;
    }
}
