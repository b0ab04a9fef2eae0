package dev.signalbox.registry;

import java.time.Duration;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;

/**
 * Makes the primitives that a {@link SignalboxRegistry} registers for one {@link Scope}: the kinds
 * that exist both in this JVM and across a cluster. {@link #local()} makes in-JVM primitives;
 * {@link ClusterPrimitives} (implemented by {@code signalbox-redis}) makes cluster ones. The
 * registry asks a factory once per name, or once per key of a keyed name, and never caches what it
 * did not register itself.
 *
 * <p>Each call returns a new primitive (a new handle, for a cluster factory) reporting to
 * {@code listener}. {@code key} is the key's string form for a keyed name, or {@code null} for the
 * unkeyed primitive; a local factory ignores it (every local key is its own primitive), a cluster
 * factory shares its state between every handle of the same name and key.
 */
public interface PrimitiveFactory {

    /** Whether this factory's primitives are local to this JVM or shared by the cluster. */
    Scope scope();

    /** A lock: one holder at a time. */
    Lock lock(String name, String key, PrimitiveListener listener);

    /** A semaphore of {@code permits} permits. */
    Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener);

    /** A writer-preferring read-write lock. */
    ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener);

    /** A token bucket of capacity {@code limit}, refilled over {@code per}. */
    RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener);

    /** A barrier of {@code parties} parties. */
    Barrier barrier(String name, int parties, PrimitiveListener listener);

    /** The factory of in-JVM primitives ({@link Lock#create}, {@link Semaphore#create}, ...). */
    static PrimitiveFactory local() {
        return LocalPrimitives.INSTANCE;
    }
}
