package dev.signalbox.autoconfigure;

import dev.signalbox.registry.ClusterMembers;
import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.registry.PrimitiveFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Condition;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;
import dev.signalbox.core.Snapshot;

/**
 * A stand-in cluster backend for the Spring side's tests (no Redis here): every handle of one name
 * and key shares one in-JVM lock, grants carry a strictly growing fencing token (one sequence for all),
 * locks say who holds them through {@link ClusterMembers}, and every acquisition is recorded in
 * order. Semaphores, read-write locks, rate limiters and barriers are plain local ones, made by
 * {@link PrimitiveFactory#local()}.
 */
final class InMemoryCluster implements ClusterPrimitives {

    private static final PrimitiveFactory LOCAL = PrimitiveFactory.local();

    private final Map<String, Lock> locks = new ConcurrentHashMap<>();
    /** One sequence for all: strictly growing per name and key as a backend's, and distinct across guards in tests. */
    private final AtomicLong tokens = new AtomicLong();
    private final Map<String, PrimitiveListener> listeners = new ConcurrentHashMap<>();
    /** "name/key" of every lock grant, in grant order. */
    final List<String> grants = new CopyOnWriteArrayList<>();
    final AtomicInteger membersAsked = new AtomicInteger();

    @Override
    public String backend() {
        return "in-memory";
    }

    @Override
    public Lock lock(String name, String key, PrimitiveListener listener) {
        String id = name + "/" + key;
        listeners.putIfAbsent(name, listener);
        return new FencedLock(id, locks.computeIfAbsent(id, k -> LOCAL.lock(name, key, listener)), tokens);
    }

    @Override
    public Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener) {
        return LOCAL.semaphore(name, key, permits, listener);
    }

    @Override
    public ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener) {
        return LOCAL.readWriteLock(name, key, listener);
    }

    @Override
    public RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener) {
        return LOCAL.rateLimiter(name, key, limit, per, listener);
    }

    @Override
    public Barrier barrier(String name, int parties, PrimitiveListener listener) {
        return LOCAL.barrier(name, parties, listener);
    }

    /** Tells the listener of {@code name} that a hold lost its lease, as a backend would. */
    void loseLease(String name) {
        listeners.get(name).onLeaseLost(locks.get(name + "/null"));
    }

    private final class FencedLock implements Lock, ClusterMembers {

        private final String id;
        private final Lock shared;
        private final AtomicLong token;
        private volatile Instant since;

        FencedLock(String id, Lock shared, AtomicLong token) {
            this.id = id;
            this.shared = shared;
            this.token = token;
        }

        private Permit fenced(Permit permit) {
            long granted = token.incrementAndGet();
            grants.add(id);
            since = Instant.now();
            return new Permit() {
                @Override
                public void close() {
                    permit.close();
                }

                @Override
                public boolean isHeld() {
                    return permit.isHeld();
                }

                @Override
                public OptionalLong fencingToken() {
                    return OptionalLong.of(granted);
                }
            };
        }

        @Override
        public String name() {
            return shared.name();
        }

        @Override
        public Scope scope() {
            return Scope.CLUSTER;
        }

        @Override
        public Snapshot snapshot() {
            return shared.snapshot();
        }

        @Override
        public Permit acquire(Duration timeout) throws InterruptedException {
            return fenced(shared.acquire(timeout));
        }

        @Override
        public Permit tryAcquire() {
            Permit permit = shared.tryAcquire();
            return permit == null ? null : fenced(permit);
        }

        @Override
        public CompletableFuture<Permit> acquireAsync(Duration timeout) {
            return shared.acquireAsync(timeout).thenApply(this::fenced);
        }

        @Override
        public boolean isLocked() {
            return shared.isLocked();
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return shared.isHeldByCurrentThread();
        }

        @Override
        public Condition newCondition(String name) {
            throw new UnsupportedOperationException("no conditions on cluster locks");
        }

        @Override
        public Condition newCondition(String name, PrimitiveListener listener) {
            throw new UnsupportedOperationException("no conditions on cluster locks");
        }

        @Override
        public List<Member> members() {
            membersAsked.incrementAndGet();
            return shared.isLocked() ? List.of(new Member("instance-a", "holder", 1, since)) : List.of();
        }
    }
}
