package dev.signalbox.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.redisson.api.RReadWriteLock;

import dev.signalbox.annotation.Scope;
import dev.signalbox.autoconfigure.ClusterMembers;
import dev.signalbox.core.Acquirable;
import dev.signalbox.core.Holder;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Snapshot;

/**
 * A cluster read-write lock on Redis: readers on any instances share it, a writer holds it alone
 * across every instance. Each hold has its own lease; write holds carry a fencing token that grows
 * strictly with every write grant of this name and key. Created by
 * {@link RedisClusterPrimitives#readWriteLock}.
 *
 * <p><b>Ordering, exactly.</b>
 * <ul>
 * <li>Exclusion: a writer is granted only when no writer and no reader holds the lock (unexpired
 *     leases, on Redis' clock) anywhere; a reader only when no writer holds it.</li>
 * <li>Writer preference across instances: while a writer waits in Redis (its registration lives
 *     for one lease after its last attempt, and it attempts at least every third of a lease), no
 *     reader of any instance is granted, not even by {@code readLock().tryAcquire()}. So readers
 *     cannot starve a writer: it waits only for the readers already holding to leave.</li>
 * <li>On one instance, the local {@link ReadWriteLock}'s order applies in front of Redis: one FIFO
 *     queue, writer-preferring, readers behind a writer entering together after it.</li>
 * <li>Not guaranteed across instances: FIFO. Among several writers waiting on different instances,
 *     or between the readers that a departing writer lets in and a writer of another instance,
 *     whoever reaches Redis first after the release message wins; and a reader may find a writer of
 *     another instance registered ahead of it even if it started waiting earlier.</li>
 * <li>A writer that crashes while waiting holds readers back until its registration expires (at
 *     most one lease); one that gives up withdraws its registration at once.</li>
 * </ul>
 *
 * <p><b>Leases, fencing, timeouts, outages, memory:</b> as for the cluster lock ({@link RedisLock}).
 * On one instance, actions before a write permit's {@code close()} happen-before every later grant
 * here, and actions before a read permit's {@code close()} happen-before the next write grant here.
 * Not reentrant, no upgrade or downgrade. {@link #snapshot()}, {@link #isWriteLocked()} and
 * {@link #readHolders()} describe this instance only.
 */
final class RedisReadWriteLock implements ReadWriteLock, ClusterMembers {

    private final RedisBackend backend;
    private final String name;
    private final RedisKeys keys;
    private final ReadWriteLock local;
    private final ClusterGate readGate;
    private final ClusterGate writeGate;
    private final Side readSide;
    private final Side writeSide;

    RedisReadWriteLock(RedisBackend backend, String name, String key, PrimitiveListener listener) {
        this.backend = backend;
        this.name = name;
        this.keys = RedisKeys.of(backend.settings.keyPrefix(), name, key);
        this.local = ReadWriteLock.create(name);
        RReadWriteLock redisson = backend.client.getReadWriteLock(keys.main());
        this.readGate = new ClusterGate(backend, this, "read", keys, queue(local.readLock()),
                HoldEngine.read(backend, keys, redisson), listener);
        this.writeGate = new ClusterGate(backend, this, "write", keys, queue(local.writeLock()),
                HoldEngine.write(backend, keys, redisson), listener);
        this.readSide = new Side(readGate);
        this.writeSide = new Side(writeGate);
    }

    private LocalQueue queue(Acquirable side) {
        return new LocalQueue() {
            @Override
            public CompletableFuture<Permit> acquireAsync(int permits, Duration timeout) {
                return side.acquireAsync(timeout);
            }

            @Override
            public Permit tryAcquire(int permits) {
                return side.tryAcquire();
            }
        };
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
    public Acquirable readLock() {
        return readSide;
    }

    @Override
    public Acquirable writeLock() {
        return writeSide;
    }

    /** True while a writer of this instance holds the lock. */
    @Override
    public boolean isWriteLocked() {
        return writeGate.heldPermits() > 0;
    }

    /** Readers of this instance holding the lock. */
    @Override
    public int readHolders() {
        return readGate.heldPermits();
    }

    @Override
    public Snapshot snapshot() {
        List<Holder> holders = new ArrayList<>(writeGate.holders());
        holders.addAll(readGate.holders());
        holders.sort(Comparator.comparing(Holder::since));
        int writers = writeGate.heldPermits();
        return new Snapshot(name, kind(), readGate.waitingCount() + writeGate.waitingCount(),
                writers > 0 ? writers : readGate.heldPermits(), 0, holders);
    }

    @Override
    public List<Member> members() {
        return ClusterGate.members(backend, keys, List.of(readGate, writeGate));
    }

    @Override
    public String toString() {
        return "cluster read_write_lock " + keys.label() + " (" + readHolders() + " readers, "
                + (isWriteLocked() ? "write-locked" : "not write-locked") + " here)";
    }

    /** One side of the lock; reports to the lock's listener with the lock as the primitive. */
    private final class Side implements Acquirable {

        private final ClusterGate gate;

        Side(ClusterGate gate) {
            this.gate = gate;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Kind kind() {
            return Kind.READ_WRITE_LOCK;
        }

        @Override
        public Scope scope() {
            return Scope.CLUSTER;
        }

        @Override
        public Snapshot snapshot() {
            return RedisReadWriteLock.this.snapshot();
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

        @Override
        public String toString() {
            return gate.toString();
        }
    }
}
