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
 * The backend behind {@code scope = CLUSTER}: the {@link PrimitiveFactory} of primitives shared by every instance of the
 * application, behind the same interfaces as the local ones, so the interceptor, metrics, the
 * endpoint and the dashboard treat both alike. {@code signalbox-redis} provides the one
 * implementation, as a bean; without such a bean a cluster-scoped annotation stops the application
 * at startup.
 *
 * <p>Each call returns a new handle for one name and key (a {@code null} key is the unkeyed
 * primitive); handles for the same name and key share their cluster state. Every returned
 * primitive says {@link dev.signalbox.annotation.Scope#CLUSTER} from {@code scope()}, reports to
 * {@code listener} like a local one, and fails a wait with
 * {@link dev.signalbox.core.GuardUnavailableException} when the backend cannot be reached (or falls
 * back to a local primitive when the backend is so configured). Permits of cluster
 * {@code EXCLUSIVE} locks and write locks carry a fencing token
 * ({@link dev.signalbox.core.Permit#fencingToken()}).
 */
public interface ClusterPrimitives extends PrimitiveFactory {

    /** A short name of the backend for messages and health, e.g. {@code redis}. */
    String backend();

    @Override
    default Scope scope() {
        return Scope.CLUSTER;
    }

    /** A cluster lock (one holder across all instances), with a lease and fencing tokens. */
    @Override
    Lock lock(String name, String key, PrimitiveListener listener);

    /** A cluster semaphore of {@code permits} permits; each hold has its own lease. */
    @Override
    Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener);

    /** A cluster read-write lock; write holds carry fencing tokens. */
    @Override
    ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener);

    /** A cluster-wide bucket: admitted calls across all instances stay within {@code limit} per {@code per}. */
    @Override
    RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener);

    /** A cluster barrier: parties are counted across instances; a timeout anywhere breaks the generation everywhere. */
    @Override
    Barrier barrier(String name, int parties, PrimitiveListener listener);
}
