package dev.signalbox.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.annotation.Scope;
import dev.signalbox.registry.ClusterMembers;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Fairness;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Semaphore;
import dev.signalbox.core.Snapshot;

/**
 * A cluster semaphore on Redis: at most {@code capacity} permits held at once across every instance.
 * Redisson's {@code RPermitExpirableSemaphore} is the semaphore: each permit held has its own permit
 * id and lease ({@code tryAcquireAsync(permits, wait, lease, unit)}), renewed by this instance every
 * third of a lease ({@code updateLeaseTimeAsync}, which also tells whether the permit is still ours)
 * and released by id ({@code tryReleaseAsync}, which never releases another's). A crashed holder's
 * permits return within one lease. Created by {@link RedisClusterPrimitives#semaphore}.
 *
 * <p><b>Capacity.</b> Set in Redis with {@code trySetPermits(capacity)} when a handle is first used,
 * and again when Redis reports the semaphore missing (expired when idle, or lost in a restart). It
 * sets the count only when none exists, so the first instance to create it decides: all instances
 * must be configured with the same number (a changed number takes effect once the key has expired,
 * two leases after its last use). If Redis loses the semaphore while permits are held, it is set up
 * again with the full capacity; the old holders find their permits lost at their next renewal.
 *
 * <p><b>Lease clock.</b> Redisson stamps a permit's lease end with the acquiring instance's clock and
 * compares it with the clock of whichever instance next looks: clock skew between instances shortens
 * or lengthens leases by that much (keep clocks synchronized, well within a lease).
 *
 * <p><b>Ordering.</b> FIFO among the callers of one instance (a local {@link Semaphore} of the same
 * capacity queues them; only the callers it admits compete in Redis, so an instance never has more
 * callers in Redis than permits). No FIFO across instances: released permits go to whichever
 * instance's waiter reaches Redis first after the release message, so a request for several permits
 * may wait while other instances keep taking single ones.
 *
 * <p><b>Idle expiry.</b> Each grant and renewal sets the semaphore's keys to expire two leases later,
 * longer than any lease on them, so they vanish when idle and never under a live permit.
 *
 * <p><b>Timeouts, cancellation, outages, memory:</b> as for the cluster lock ({@link RedisLock}):
 * the timeout covers the local queue and Redis; a wait that ends without a grant holds nothing; an
 * unanswered Redis means {@link dev.signalbox.core.GuardUnavailableException} or the local fallback
 * (this instance's callers limited to {@code capacity}). Semaphore permits carry no fencing token.
 * {@link #availablePermits()} and {@link #snapshot()} describe this instance only.
 *
 * <p><b>No signalling.</b> The permits are fixed by configuration in Redis, so {@link #release(int)}
 * and the takes ({@link #take(int, Duration)}, {@link #tryTake(int)}, {@link #takeAsync(int, Duration)})
 * throw {@link UnsupportedOperationException}; {@link #capacity()} and {@link #bound()} are the
 * configured permits.
 */
final class RedisSemaphore implements Semaphore, ClusterMembers {

    private final RedisBackend backend;
    private final String name;
    private final int capacity;
    private final RedisKeys keys;
    private final ClusterGate gate;

    RedisSemaphore(RedisBackend backend, String name, String key, int capacity, PrimitiveListener listener) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cluster semaphore '" + name + "': permits must be at least 1, was "
                    + capacity + " (a cluster semaphore's permits are fixed by configuration)");
        }
        this.backend = backend;
        this.name = name;
        this.capacity = capacity;
        this.keys = RedisKeys.of(backend.settings.keyPrefix(), name, key);
        Semaphore local = Semaphore.create(name, capacity, Fairness.FIFO, PrimitiveListener.NONE);
        LocalQueue queue = new LocalQueue() {
            @Override
            public CompletableFuture<Permit> acquireAsync(int permits, Duration timeout) {
                return local.acquireAsync(permits, timeout);
            }

            @Override
            public Permit tryAcquire(int permits) {
                return local.tryAcquire(permits);
            }
        };
        this.gate = new ClusterGate(backend, this, null, keys, queue, HoldEngine.semaphore(backend, keys, capacity), listener);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Scope scope() {
        return Scope.CLUSTER;
    }

    @Override
    public Permit acquire(Duration timeout) throws InterruptedException {
        return acquire(1, timeout);
    }

    @Override
    public Permit tryAcquire() {
        return tryAcquire(1);
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(Duration timeout) {
        return acquireAsync(1, timeout);
    }

    @Override
    public Permit acquire(int permits, Duration timeout) throws InterruptedException {
        checkAmount(permits);
        return gate.acquire(permits, timeout);
    }

    @Override
    public Permit tryAcquire(int permits) {
        checkAmount(permits);
        return gate.tryAcquire(permits);
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(int permits, Duration timeout) {
        checkAmount(permits);
        return gate.acquireAsync(permits, timeout);
    }

    private void checkAmount(int permits) {
        if (permits < 1 || permits > capacity) {
            throw new IllegalArgumentException("cluster semaphore '" + name + "': cannot acquire " + permits
                    + " permits; ask for 1 to " + capacity);
        }
    }

    /** Permits not held by callers of this instance (other instances' holds are in {@link #members()}). */
    @Override
    public int availablePermits() {
        return capacity - gate.heldPermits();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int bound() {
        return capacity;
    }

    @Override
    public void release(int permits) {
        throw fixedPermits("release(" + permits + ")");
    }

    @Override
    public void take(int permits, Duration timeout) {
        throw fixedPermits("take(" + permits + ")");
    }

    @Override
    public boolean tryTake(int permits) {
        throw fixedPermits("tryTake(" + permits + ")");
    }

    @Override
    public CompletableFuture<Void> takeAsync(int permits, Duration timeout) {
        throw fixedPermits("takeAsync(" + permits + ")");
    }

    private UnsupportedOperationException fixedPermits(String call) {
        return new UnsupportedOperationException("cluster semaphore '" + name + "': " + call + " is not supported:"
                + " its " + capacity + " permits are fixed by configuration in Redis, so none can be added or taken"
                + " away; acquire a Permit and close it to give it back, or use a local Semaphore"
                + " (scope LOCAL) for release(n)/take signalling");
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, kind(), gate.waitingCount(), gate.heldPermits(), capacity, gate.holders());
    }

    @Override
    public List<Member> members() {
        return ClusterGate.members(backend, keys, List.of(gate));
    }

    @Override
    public String toString() {
        return gate.toString();
    }
}
