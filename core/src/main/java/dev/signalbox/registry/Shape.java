package dev.signalbox.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;

/**
 * What a registered name is: its kind, scope, whether it is a keyed family, and the parameters that
 * fix it (permits, parties, capacity...). Two uses of a name agree when their shapes are equal;
 * {@link #describe()} is the English form used in messages and views, e.g. "semaphore with 4 permits"
 * or "keyed rate limiter of 10 per PT1M" (the scope is not part of it).
 *
 * @param kind       the kind of primitive
 * @param scope      local to this JVM or shared by the cluster
 * @param keyed      true for a family of per-key primitives sharing the name
 * @param parameters the kind's parameters by name, exactly those of {@link #parameterNames(Kind)}:
 *                   {@code permits} (semaphore), {@code lock} (condition: the lock's name),
 *                   {@code parties} (barrier), {@code capacity} (queue), {@code workers} and
 *                   {@code queueCapacity} (worker pool), {@code limit} and {@code per} (rate limiter,
 *                   {@code per} a {@link Duration})
 */
public record Shape(Kind kind, Scope scope, boolean keyed, Map<String, Object> parameters) {

    public Shape {
        if (kind == null || scope == null || parameters == null) {
            throw new IllegalArgumentException("a shape needs a kind, a scope and parameters (empty when the kind has none)");
        }
        parameters = Map.copyOf(parameters);
        if (!parameters.keySet().equals(parameterNames(kind))) {
            throw new IllegalArgumentException("a " + kind.tag() + " shape takes the parameters " + parameterNames(kind)
                    + ", not " + parameters.keySet());
        }
    }

    /** The parameters a shape of {@code kind} carries. */
    public static Set<String> parameterNames(Kind kind) {
        return switch (kind) {
            case LOCK, READ_WRITE_LOCK, EVENT, RESOURCE_POOL -> Set.of();
            case SEMAPHORE -> Set.of("permits");
            case CONDITION -> Set.of("lock");
            case BARRIER -> Set.of("parties");
            case QUEUE -> Set.of("capacity");
            case WORKER_POOL -> Set.of("workers", "queueCapacity");
            case RATE_LIMITER -> Set.of("limit", "per");
        };
    }

    static Shape lock(Scope scope, boolean keyed) {
        return new Shape(Kind.LOCK, scope, keyed, Map.of());
    }

    static Shape semaphore(Scope scope, boolean keyed, int permits) {
        return new Shape(Kind.SEMAPHORE, scope, keyed, Map.of("permits", permits));
    }

    static Shape readWriteLock(Scope scope, boolean keyed) {
        return new Shape(Kind.READ_WRITE_LOCK, scope, keyed, Map.of());
    }

    static Shape rateLimiter(Scope scope, boolean keyed, int limit, Duration per) {
        return new Shape(Kind.RATE_LIMITER, scope, keyed, Map.of("limit", limit, "per", per));
    }

    static Shape event() {
        return new Shape(Kind.EVENT, Scope.LOCAL, false, Map.of());
    }

    static Shape condition(String lockName) {
        return new Shape(Kind.CONDITION, Scope.LOCAL, false, Map.of("lock", lockName));
    }

    static Shape barrier(Scope scope, int parties) {
        return new Shape(Kind.BARRIER, scope, false, Map.of("parties", parties));
    }

    static Shape queue(int capacity) {
        return new Shape(Kind.QUEUE, Scope.LOCAL, false, Map.of("capacity", capacity));
    }

    static Shape resourcePool() {
        return new Shape(Kind.RESOURCE_POOL, Scope.LOCAL, false, Map.of());
    }

    static Shape workerPool(int workers, int queueCapacity) {
        return new Shape(Kind.WORKER_POOL, Scope.LOCAL, false, Map.of("workers", workers, "queueCapacity", queueCapacity));
    }

    /** What this shape is, in English and without the scope, e.g. "keyed semaphore with 4 permits". */
    public String describe() {
        String what = switch (kind) {
            case LOCK -> "lock";
            case SEMAPHORE -> "semaphore with " + parameters.get("permits") + " permits";
            case READ_WRITE_LOCK -> "read-write lock";
            case EVENT -> "event";
            case CONDITION -> "condition of lock '" + parameters.get("lock") + "'";
            case BARRIER -> "barrier of " + parameters.get("parties") + " parties";
            case QUEUE -> "queue of capacity " + parameters.get("capacity");
            case RESOURCE_POOL -> "resource pool";
            case WORKER_POOL -> "worker pool of " + parameters.get("workers") + " workers and queue capacity "
                    + parameters.get("queueCapacity");
            case RATE_LIMITER -> "rate limiter of " + parameters.get("limit") + " per " + parameters.get("per");
        };
        return keyed ? "keyed " + what : what;
    }
}
