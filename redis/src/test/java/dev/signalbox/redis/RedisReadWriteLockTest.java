package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.registry.ClusterMembers;
import dev.signalbox.registry.ClusterMembers.Member;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.redis.testing.RedisServerExtension;

@Timeout(90)
class RedisReadWriteLockTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

    private ReadWriteLock lock(String instance, String name) {
        return instances.start(instance, LEASE).readWriteLock(name, "k", PrimitiveListener.NONE);
    }

    @Test
    void readersOfDifferentInstancesShareAndAWriterExcludesThem() throws Exception {
        ReadWriteLock a = lock("a", "rates");
        ReadWriteLock b = lock("b", "rates");
        Permit readA = a.readLock().acquire(WAIT);
        Permit readB = b.readLock().acquire(WAIT);
        assertThat(readA.fencingToken()).isEmpty();
        assertThat(a.writeLock().tryAcquire()).isNull();
        readA.close();
        assertThat(b.writeLock().tryAcquire()).isNull();
        readB.close();
        try (Permit write = a.writeLock().acquire(WAIT)) {
            assertThat(write.fencingToken()).isPresent();
            assertThat(b.readLock().tryAcquire()).isNull();
            assertThat(b.writeLock().tryAcquire()).isNull();
            assertThat(a.isWriteLocked()).isTrue();
        }
    }

    /**
     * The order the javadoc promises, exactly: Redisson's read-write lock is not writer-preferring
     * across instances (a reader of another instance enters while a writer waits, as long as readers
     * hold it), but the local read-write lock in front is: a later reader of the writer's own
     * instance waits behind that writer. The writer gets in once the readers of every instance left.
     */
    @Test
    void aWaitingWriterHoldsBackLaterReadersOfItsOwnInstanceButNotOfOthers() throws Exception {
        ReadWriteLock a = lock("a", "prefer");
        ReadWriteLock b = lock("b", "prefer");
        ReadWriteLock c = lock("c", "prefer");
        Permit reading = a.readLock().acquire(WAIT);
        CompletableFuture<Permit> writer = b.writeLock().acquireAsync(WAIT);
        Eventually.await("the writer waits in Redis", Duration.ofSeconds(10),
                () -> redis.server().command("EXISTS", "signalbox:{prefer:k}:waiting").equals(":1"));
        Permit otherInstanceReader = c.readLock().tryAcquire();
        assertThat(otherInstanceReader).as("no writer preference across instances").isNotNull();
        CompletableFuture<Permit> sameInstanceReader = b.readLock().acquireAsync(WAIT);
        Thread.sleep(300);
        assertThat(sameInstanceReader).as("writer preference on the writer's instance").isNotDone();
        assertThat(writer).isNotDone();
        reading.close();
        Thread.sleep(300);
        assertThat(writer).as("a reader of another instance still holds").isNotDone();
        otherInstanceReader.close();
        Permit writing = writer.get(20, TimeUnit.SECONDS);
        assertThat(sameInstanceReader).isNotDone();
        writing.close();
        sameInstanceReader.get(20, TimeUnit.SECONDS).close();
    }

    @Test
    void writersAreExclusiveAndTheirTokensGrowUnderConcurrentReadersAndWriters() throws Exception {
        AtomicInteger writers = new AtomicInteger();
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger readsWhileOthersRead = new AtomicInteger();
        List<Long> tokens = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (String id : List.of("a", "b", "c")) {
            ReadWriteLock lock = lock(id, "mixed");
            for (int t = 0; t < 4; t++) {
                boolean writer = t == 0;
                Runnable work = () -> {
                    try {
                        go.await();
                        for (int i = 0; i < 8; i++) {
                            if (writer) {
                                try (Permit permit = lock.writeLock().acquire(WAIT)) {
                                    if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                                        violations.incrementAndGet();
                                    }
                                    tokens.add(permit.fencingToken().orElseThrow());
                                    Thread.sleep(1);
                                    writers.decrementAndGet();
                                }
                            } else {
                                try (Permit permit = lock.readLock().acquire(WAIT)) {
                                    if (readers.incrementAndGet() > 1) {
                                        readsWhileOthersRead.incrementAndGet();
                                    }
                                    if (writers.get() != 0) {
                                        violations.incrementAndGet();
                                    }
                                    Thread.sleep(2);
                                    readers.decrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                };
                threads.add(t % 2 == 0 ? Thread.ofPlatform().start(work) : Thread.ofVirtual().start(work));
            }
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(60_000);
            assertThat(thread.isAlive()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(violations.get()).isZero();
        assertThat(readsWhileOthersRead.get()).isPositive();
        assertThat(tokens).hasSize(3 * 8).doesNotHaveDuplicates();
    }

    @Test
    void membersListReadersWritersAndWaiters() throws Exception {
        ReadWriteLock a = lock("a", "m");
        ReadWriteLock b = lock("b", "m");
        try (Permit r1 = a.readLock().acquire(WAIT); Permit r2 = a.readLock().acquire(WAIT)) {
            CompletableFuture<Permit> writer = b.writeLock().acquireAsync(WAIT);
            Eventually.await("the writer waits in Redis", Duration.ofSeconds(10),
                    () -> redis.server().command("EXISTS", "signalbox:{m:k}:waiting").equals(":1"));
            assertThat(((ClusterMembers) a).members()).extracting(Member::instance, Member::role, Member::count)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", "holder", 2),
                            org.assertj.core.groups.Tuple.tuple("b", "waiter", 1));
            assertThat(a.snapshot().active()).isEqualTo(2);
            assertThat(a.snapshot().holders()).hasSize(2).allSatisfy(h -> assertThat(h.description()).endsWith("(read)"));
            writer.cancel(false);
        }
    }
}
