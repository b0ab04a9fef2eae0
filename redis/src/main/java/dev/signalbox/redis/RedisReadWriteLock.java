package dev.signalbox.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.redisson.api.RReadWriteLock;

import dev.signalbox.annotation.Scope;
import dev.signalbox.registry.ClusterMembers;
import dev.signalbox.core.Acquirable;
import dev.signalbox.core.Holder;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Snapshot;

/**
 * A cluster read-write lock on Redis: readers on any instances share it, a writer holds it alone
 * across every instance. Redisson's {@code RReadWriteLock} is the lock (its read and write sides
 * taken with a fresh synthetic thread id per attempt, renewed by Redisson's watchdog). Write holds
 * carry a fencing token from a Redisson {@code RAtomicLong} ({@code <name>:fence}) incremented right
 * after each write grant; like the lock's token its key never expires, and tokens start again at 1 if
 * Redis loses its data. Created by {@link RedisClusterPrimitives#readWriteLock}.
 *
 * <p><b>Ordering, exactly.</b>
 * <ul>
 * <li>Exclusion: a writer is granted only when no writer and no reader holds the lock anywhere
 *     (unexpired leases); a reader only when no writer holds it.</li>
 * <li>No writer preference across instances: Redisson grants a read whenever the lock is in read
 *     mode, even while a writer of another instance waits. A writer therefore waits until the readers
 *     of every instance are gone at once; a steady overlap of readers on other instances can starve it.</li>
 * <li>On one instance, the local {@link ReadWriteLock}'s order applies in front of Redis: one FIFO
 *     queue, writer-preferring, readers behind a writer entering together after it. So a waiting
 *     writer does hold back the later readers of its own instance.</li>
 * <li>No FIFO across instances: among writers waiting on different instances, or between readers and
 *     a writer of another instance after a release, whoever reaches Redis first wins.</li>
 * </ul>
 *
 * <p><b>Fencing order.</b> The write token is taken after the grant, in a second command; a grant
 * whose token arrives a whole lease after the grant was requested counts as lost at once, so a newer
 * writer (granted only after that lease) always has the higher token.
 *
 * <p><b>Leases, timeouts, outages, memory:</b> as for the cluster lock ({@link RedisLock}).
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
