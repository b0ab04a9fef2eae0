package dev.signalbox.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.annotation.Scope;
import dev.signalbox.registry.ClusterMembers;
import dev.signalbox.core.Condition;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Fairness;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

/**
 * A cluster lock on Redis: one holder at a time across every instance, with a lease and a fencing
 * token per grant. Redisson's {@code RedissonFencedLock} is the lock; each attempt uses a fresh
 * synthetic thread id (acquired with {@code tryLockAndGetTokenAsync(wait, -1, unit, id)}, released
 * with {@code unlockAsync(id)} from whichever thread closes the permit). Created by
 * {@link RedisClusterPrimitives#lock}.
 *
 * <p><b>Ordering.</b> Callers of one instance queue FIFO in a local {@link Lock}; only the head of
 * that queue competes in Redis: it tries once, and if the lock is taken waits in Redisson (which
 * subscribes to the lock's channel and tries again when a release is published or the holder's
 * lease would end). Across instances there is no FIFO but bounded local batching: when a holder
 * closes its permit while another caller of this instance queues for the same lock and key, the
 * Redis hold is handed to that caller without a Redis round trip ({@link LocalHandOver}): at most 31
 * times in a row per Redis grant, within a thirtieth of a lease of that grant, and not once Redis has
 * shown a caller of another instance waiting for it. Then the lock is released in Redis, and the
 * heads of every instance compete for it on equal terms (whichever reaches Redis first wins), so a
 * busy instance cannot starve the others. A hand-over to a caller that has just timed out or been
 * cancelled is passed on to the next local caller or released in Redis. {@link #tryAcquire()}
 * succeeds only when nobody on this instance waits and Redis grants it at once (or a hand-over is
 * left for it).
 *
 * <p><b>Leases and fencing.</b> A hold's lease is the Redisson client's {@code lockWatchdogTimeout},
 * renewed by Redisson's watchdog while held, so a crashed holder frees the lock within one lease.
 * Every third of a lease this instance asks Redis whether the hold is still its own
 * ({@code isHeldByThreadAsync}); a hold Redis no longer has, or that a whole lease passed without
 * confirming (a paused process, an unreachable Redis), is lost and reported
 * ({@link ClusterPermit#isLost()}, {@link PrimitiveListener#onLeaseLost}, a warning). The lease, its
 * checks and its loss follow the hold across local hand-overs: a lost Redis hold marks whichever
 * local caller holds it then as lost, and a lost hold is never handed over. The permit's
 * {@link Permit#fencingToken()} is {@code redissonToken << 20 | localSequence}: Redisson's token is an
 * {@code INCR} on {@code redisson_lock_token:<lock name>} in the granting script, so it grows with
 * every Redis grant of this name and key; the local sequence is 0 for the Redis grant and grows by
 * one with each hand-over within it (below 32), so the token grows strictly with every grant, local
 * or in Redis, across instances. That key never expires (an idle expiry would let tokens go backwards
 * below one a store has seen); if Redis loses its data, tokens start again at {@code 1 << 20}. Redis locks are
 * advisory: a holder paused past its lease, or a Redis failover that loses the latest write, can let
 * two callers hold the lock at once; a store that refuses writes carrying a token lower than the last
 * it saw is what protects data.
 *
 * <p><b>Timeouts, cancellation, outages.</b> The timeout covers the local queue and Redis together.
 * A wait that times out, is interrupted or cancelled holds nothing; a grant that races it (a Redisson
 * wait still running) is released as soon as it arrives. When Redis does not answer, the call fails
 * with {@link dev.signalbox.core.GuardUnavailableException} within its timeout (each Redisson call is
 * bounded by the time left; only a call's first command is given at least 500ms, so a try-once call
 * can take that long against a silent Redis), or with the local fallback gets a permit that excludes
 * this instance's callers only. After a failure, Redis counts as down for one second: calls meanwhile
 * fail (or fall back) at once, and the first call after that tries Redis again.
 *
 * <p><b>Memory.</b> On one instance, actions before a permit's {@code close()} happen-before the next
 * grant here (through the local queue, which the permit leaves after handing the hold over, or after
 * Redis has answered the release). Across instances, the next holder is granted only after Redis has processed the release
 * or the lease has run out. Not reentrant; {@link #isHeldByCurrentThread()} lets a caller detect
 * re-entry. Holds are not bound to a thread: any thread may close a permit.
 *
 * <p>{@link #snapshot()}, {@link #isLocked()} and {@link #isHeldByCurrentThread()} describe this
 * instance only and never call Redis; {@link #members()} asks Redis who holds and waits everywhere
 * (from the registry that {@link RedisMembers} keeps beside the lock).
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
        Lock local = Lock.create(name, Fairness.FIFO, PrimitiveListener.NONE);
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
