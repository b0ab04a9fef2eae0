package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.Acquirable;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServer;
import dev.signalbox.redis.testing.RedisServerExtension;

/**
 * Local queueing in front of Redis: 200 waiters of one instance cost Redis, per acquisition, what an
 * uncontended caller does (counted with {@code INFO commandstats}, commands run inside scripts included).
 */
@Timeout(120)
class RedisLocalQueueTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final int WAITERS = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private RedisInstances instances;

    @BeforeEach
    void start() {
        instances = new RedisInstances(redis.server());
    }

    @AfterEach
    void stop() {
        instances.close();
    }

    @Test
    void twoHundredLocalWaitersOnALockCostRedisWhatOneCallerDoes() throws Exception {
        RedisClusterPrimitives instance = instances.start("a", Duration.ofSeconds(30));
        compare(instance.lock("queued", "k", PrimitiveListener.NONE), 1);
    }

    @Test
    void twoHundredLocalWaitersOnASemaphoreCostRedisWhatOneCallerDoes() throws Exception {
        RedisClusterPrimitives instance = instances.start("a", Duration.ofSeconds(30));
        compare(instance.semaphore("queued-sem", "k", 4, PrimitiveListener.NONE), 4);
    }

    @Test
    void anUncontendedLockCostsOneScriptCallToAcquireAndOneToReleaseAndAHandOverOne() throws Exception {
        RedisServer server = redis.server();
        var lock = instances.start("a", Duration.ofSeconds(30)).lock("round-trips", null, PrimitiveListener.NONE);
        lock.acquire(WAIT).close(); // loads the script into Redis
        long before = server.commandCalls("evalsha");
        for (int i = 0; i < 20; i++) {
            lock.acquire(WAIT).close();
        }
        long start = before;
        Eventually.await("the last release reaches Redis", Duration.ofSeconds(10),
                () -> server.commandCalls("evalsha") - start >= 40);
        Thread.sleep(200);
        assertThat(server.commandCalls("evalsha") - before).isEqualTo(40);

        Permit held = lock.acquire(WAIT);
        var next = lock.acquireAsync(WAIT);
        Thread.sleep(100);
        long beforeHandOver = server.commandCalls("evalsha");
        held.close();
        next.get(20, java.util.concurrent.TimeUnit.SECONDS).close();
        Eventually.await("the last release reaches Redis", Duration.ofSeconds(10),
                () -> server.commandCalls("evalsha") - beforeHandOver >= 2);
        Thread.sleep(200);
        assertThat(server.commandCalls("evalsha") - beforeHandOver).as("hand-over, then the last release").isEqualTo(2);
    }

    private void compare(Acquirable primitive, int capacity) throws Exception {
        RedisServer server = redis.server();
        primitive.acquire(WAIT).close(); // loads the scripts into Redis

        int alone = 50;
        long before = server.totalCommandCalls();
        for (int i = 0; i < alone; i++) {
            primitive.acquire(WAIT).close();
        }
        double uncontended = (server.totalCommandCalls() - before - 1) / (double) alone;

        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        before = server.totalCommandCalls();
        for (int i = 0; i < WAITERS; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    try (Permit permit = primitive.acquire(WAIT)) {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.sleep(1);
                        inside.decrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(60_000);
            assertThat(thread.isAlive()).isFalse();
        }
        double queued = (server.totalCommandCalls() - before - 1) / (double) WAITERS;

        assertThat(failures).isEmpty();
        assertThat(mostInside.get()).isEqualTo(capacity);
        assertThat(uncontended).isPositive();
        assertThat(queued).as("Redis commands per acquisition with %d local waiters (uncontended: %.2f)", WAITERS, uncontended)
                .isLessThanOrEqualTo(uncontended + 2);
        System.out.printf("Redis commands per acquisition: uncontended %.2f, with %d local waiters %.2f (%s)%n",
                uncontended, WAITERS, queued, primitive.kind().tag());
    }
}
