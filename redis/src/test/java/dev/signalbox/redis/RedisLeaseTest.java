package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;
import dev.signalbox.redis.testing.RedisServerExtension;
import dev.signalbox.testing.RecordingListener;

@Timeout(90)
class RedisLeaseTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

    /** A test that paused Redis leaves it running again, before the instances close. */
    @AfterEach
    void resumeRedis() {
        if (redis.server().isRunning()) {
            redis.server().resume();
        }
    }

    @Test
    void aHoldIsRenewedWhileHeldForLongerThanItsLease() throws Exception {
        RecordingListener events = new RecordingListener();
        Lock a = instances.start("a", LEASE).lock("renewed", null, events);
        Lock b = instances.start("b", LEASE).lock("renewed", null, PrimitiveListener.NONE);
        try (Permit held = a.acquire(WAIT)) {
            Thread.sleep(2_500);
            assertThat(b.tryAcquire()).isNull();
            assertThat(((ClusterPermit) held).isLost()).isFalse();
        }
        assertThat(events.leasesLost()).isZero();
    }

    @Test
    void aHoldTakenAwayInRedisIsReportedLostAndClosingItNeverReleasesTheNewHolder() throws Exception {
        RecordingListener events = new RecordingListener();
        Lock a = instances.start("a", LEASE).lock("stolen", "k", events);
        Lock b = instances.start("b", LEASE).lock("stolen", "k", PrimitiveListener.NONE);
        Lock c = instances.start("c", LEASE).lock("stolen", "k", PrimitiveListener.NONE);
        ClusterPermit old = (ClusterPermit) a.acquire(WAIT);
        redis.server().command("DEL", "signalbox:{stolen:k}");
        Permit newer = b.acquire(WAIT);
        Eventually.await("the old holder learns that its lease is lost", Duration.ofSeconds(10), old::isLost);
        Eventually.await("the listener hears of it", Duration.ofSeconds(10), () -> events.leasesLost() == 1);
        assertThat(old.isHeld()).isTrue();
        assertThat(newer.fencingToken().getAsLong()).isGreaterThan(old.fencingToken().getAsLong());

        old.close();
        Thread.sleep(200);
        assertThat(c.tryAcquire()).as("the newer hold survives the lost permit's close").isNull();
        newer.close();
        try (Permit next = c.acquire(WAIT)) {
            assertThat(next.isHeld()).isTrue();
        }
        assertThat(events.releases()).isEqualTo(1);
    }

    @Test
    void aRedisPausedPastTheLeaseLosesTheHoldAndLetsAnotherInstanceInAfterwards() throws Exception {
        RecordingListener events = new RecordingListener();
        Semaphore a = instances.start("a", LEASE).semaphore("paused", null, 1, events);
        Semaphore b = instances.start("b", LEASE).semaphore("paused", null, 1, PrimitiveListener.NONE);
        ClusterPermit old = (ClusterPermit) a.acquire(WAIT);
        redis.server().pause();
        Eventually.await("the holder gives its lease up for lost", Duration.ofSeconds(10), old::isLost);
        redis.server().resume();
        Eventually.await("the listener hears of it", Duration.ofSeconds(10), () -> events.leasesLost() == 1);
        Eventually.await("another instance gets the permit", Duration.ofSeconds(20), () -> {
            try {
                Permit p = b.acquire(Duration.ofSeconds(2));
                p.close();
                return true;
            } catch (RuntimeException | InterruptedException unavailable) {
                return false;
            }
        });
        Permit newer = b.acquire(WAIT);
        old.close();
        Thread.sleep(200);
        assertThat(tryAcquireOnceRedisCountsAsUp(a)).as("the lost permit's close left the newer hold alone").isNull();
        newer.close();
    }

    @Test
    void readAndWriteHoldsAreRenewedAndLostLikeLocks() throws Exception {
        ReadWriteLock a = instances.start("a", LEASE).readWriteLock("rw-lease", null, PrimitiveListener.NONE);
        ReadWriteLock b = instances.start("b", LEASE).readWriteLock("rw-lease", null, PrimitiveListener.NONE);
        ClusterPermit read = (ClusterPermit) a.readLock().acquire(WAIT);
        Thread.sleep(1_500);
        assertThat(b.writeLock().tryAcquire()).isNull();
        redis.server().command("DEL", "signalbox:{rw-lease}"); // Redisson's read-write lock hash
        Eventually.await("the reader learns that its lease is lost", Duration.ofSeconds(10), read::isLost);
        try (Permit write = b.writeLock().acquire(WAIT)) {
            read.close();
            Thread.sleep(200);
            assertThat(a.readLock().tryAcquire()).isNull();
            ClusterPermit staleWriter = (ClusterPermit) write;
            assertThat(staleWriter.isLost()).isFalse();
        }
    }

    /**
     * A hold that Redis no longer has, closed at once (before any lease check could notice): closing
     * asks Redis, and the loss is known (isLost, the listener's count) when close() returns. Every kind
     * of hold, many times: a check that happened to run first would also pass, so most rounds must be
     * decided by the close.
     */
    @Test
    void aHoldGoneFromRedisIsKnownLostWhenItsCloseReturns() throws Exception {
        RecordingListener events = new RecordingListener();
        RedisClusterPrimitives a = instances.start("a", LEASE);
        Lock lock = a.lock("gone-lock", null, events);
        Semaphore semaphore = a.semaphore("gone-permits", null, 3, events);
        ReadWriteLock readWrite = a.readWriteLock("gone-rw", null, events);
        int rounds = 20;
        for (int round = 0; round < rounds; round++) {
            java.util.List<java.util.function.Supplier<Permit>> takes = java.util.List.of(
                    () -> acquire(lock), () -> acquire(semaphore, 2), () -> acquire(readWrite.writeLock()),
                    () -> acquire(readWrite.readLock()));
            for (java.util.function.Supplier<Permit> take : takes) {
                long lostBefore = events.leasesLost();
                ClusterPermit held = (ClusterPermit) take.get();
                redis.server().command("FLUSHALL");
                held.close();
                assertThat(held.isLost()).as("round %d, %s: known lost when close() returned", round, held).isTrue();
                assertThat(events.leasesLost()).isEqualTo(lostBefore + 1);
            }
        }
    }

    private static Permit acquire(dev.signalbox.core.Acquirable primitive) {
        try {
            return primitive.acquire(WAIT);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static Permit acquire(Semaphore semaphore, int permits) {
        try {
            return semaphore.acquire(permits, WAIT);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@code tryAcquire}, once this instance counts Redis as up again: an instance that saw Redis fail
     * fails its calls at once for a second (see RedisAvailability), which is not what the caller tests.
     */
    private static Permit tryAcquireOnceRedisCountsAsUp(Semaphore semaphore) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            try {
                return semaphore.tryAcquire();
            } catch (dev.signalbox.core.GuardUnavailableException knownDown) {
                if (System.nanoTime() > deadline) {
                    throw knownDown;
                }
                Thread.sleep(50);
            }
        }
    }
}
