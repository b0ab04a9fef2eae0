package dev.signalbox.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.annotation.Scope;
import dev.signalbox.autoconfigure.ClusterMembers;
import dev.signalbox.core.Condition;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

/**
 * A cluster lock on Redis: one holder at a time across every instance, with a lease and a fencing
 * token per grant. Created by {@link RedisClusterPrimitives#lock}.
 *
 * <p><b>Ordering.</b> Callers of one instance queue FIFO in a local {@link Lock}; only the head of
 * that queue competes in Redis. Across instances there is no FIFO: when the lock is released, the
 * waiting heads of the other instances are woken by a pub/sub message and the first whose attempt
 * reaches Redis wins. A waiting head tries again at least every third of a lease, so a lost message
 * delays it but never strands it. {@link #tryAcquire()} succeeds only when nobody on this instance
 * waits and Redis grants it at once.
 *
 * <p><b>Leases and fencing.</b> A hold is a lease ({@code signalbox.redis.lease}) renewed every third
 * of the lease while held, so a crashed or paused holder frees the lock within one lease. Redis locks
 * are advisory: a holder paused past its lease, or a Redis failover that loses the latest write, can
 * let two callers hold the lock at once. The permit's {@link Permit#fencingToken()} grows strictly
 * with every grant of this name and key (it is {@code max(last + 1, Redis time in µs)}, so it keeps
 * growing across idle expiry and a Redis restart), and a store that refuses writes carrying a token
 * lower than the last it saw is what protects data. A lost lease is reported
 * ({@link ClusterPermit#isLost()}, {@link PrimitiveListener#onLeaseLost}, a warning).
 *
 * <p><b>Timeouts, cancellation, outages.</b> The timeout covers the local queue and Redis together.
 * A wait that times out, is interrupted or cancelled holds nothing and releases nothing; a grant that
 * races it is released. When Redis does not answer, the call fails with
 * {@link dev.signalbox.core.GuardUnavailableException} within its timeout (each Redis command is
 * bounded by the time left; only a call's first command is given at least 500ms, so a try-once call
 * can take that long against a silent Redis), or with the local fallback gets a permit that excludes
 * this instance's callers only. After a failure, Redis counts as down for one second: calls meanwhile
 * fail (or fall back) at once, and the first call after that tries Redis again.
 *
 * <p><b>Hand-over.</b> When a holder closes its permit while another caller of this instance is
 * queued, the hold passes to that caller in one round trip (new hold id, new token, new lease)
 * instead of a release and an acquisition, unless a caller of another instance waits in Redis: then
 * the lock is released and the callers of every instance compete for it, so a busy instance cannot
 * starve the others.
 *
 * <p><b>Memory.</b> On one instance, actions before a permit's {@code close()} happen-before the next
 * grant here (through the local queue, which the permit leaves only after Redis has answered the
 * release). Across instances, the next holder is granted only after Redis has processed the release
 * or the lease has run out. Not reentrant; {@link #isHeldByCurrentThread()} lets a caller detect
 * re-entry. Holds are not bound to a thread: any thread may close a permit.
 *
 * <p>{@link #snapshot()}, {@link #isLocked()} and {@link #isHeldByCurrentThread()} describe this
 * instance only and never call Redis; {@link #members()} asks Redis who holds and waits everywhere.
 */
final class RedisLock implements Lock, ClusterMembers {

    private final RedisBackend backend;
    private final String name;
    private final RedisKeys keys;
    private final ClusterGate gate;

    RedisLock(RedisBackend backend, String name, String key, PrimitiveListener listener) {
        this.backend = backend;
        this.name = name;
        this.keys = RedisKeys.of(backend.settings.keyPrefix(), name, key);
        Lock local = Lock.create(name);
        LocalQueue queue = new LocalQueue() {
            @Override
            public CompletableFuture<Permit> acquireAsync(int permits, Duration timeout) {
                return local.acquireAsync(timeout);
            }

            @Override
            public Permit tryAcquire(int permits) {
                return local.tryAcquire();
            }
        };
        this.gate = new ClusterGate(backend, this, null, keys, queue, HoldEngine.lock(backend, keys), listener);
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
        return gate.acquire(1, timeout);
    }

    @Override
    public Permit tryAcquire() {
        return gate.tryAcquire(1);
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(Duration timeout) {
        return gate.acquireAsync(1, timeout);
    }

    /** True while a caller of this instance holds the lock (another instance's hold is in {@link #members()}). */
    @Override
    public boolean isLocked() {
        return gate.heldPermits() > 0;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return gate.isHeldBy(Thread.currentThread());
    }

    /** Not supported: a condition needs its waiters and the lock in one process. */
    @Override
    public Condition newCondition(String name) {
        throw new UnsupportedOperationException("cluster lock '" + this.name
                + "' has no conditions: a condition's waiters must share one process; use a local lock for conditions");
    }

    /** Not supported: see {@link #newCondition(String)}. */
    @Override
    public Condition newCondition(String name, PrimitiveListener listener) {
        return newCondition(name);
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, kind(), gate.waitingCount(), gate.heldPermits(), 1, gate.holders());
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
