package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

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
 * uncontended caller does (counted with {@code INFO commandstats}, commands run inside Redisson's scripts included,
 * the test's own INFO calls left out).
 */
@Timeout(120)
class RedisLocalQueueTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final int WAITERS = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

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

    /**
     * Redisson's fenced lock costs one script call ({@code EVAL}/{@code EVALSHA}) to acquire and one to
     * release, each one round trip on the caller's path, plus the unlock latch's {@code DEL}, which the
     * caller does not wait for; a short hold adds nothing (the members registry is written only for a
     * hold that lasts, see {@link RedisMembers}). A caller of this instance that queued behind the
     * holder costs no script call: the holder hands the Redis hold over to it ({@link LocalHandOver}),
     * and only the successor's release reaches Redis.
     */
    @Test
    void anUncontendedLockCostsOneScriptCallToAcquireAndOneToReleaseAndALocalSuccessorOnlyItsRelease() throws Exception {
        RedisServer server = redis.server();
        var lock = instances.start("a", Duration.ofSeconds(30)).lock("round-trips", null, PrimitiveListener.NONE);
        lock.acquire(WAIT).close(); // loads the scripts into Redis
        quiesce(server);
        long before = scripts(server);
        long all = work(server);
        for (int i = 0; i < 20; i++) {
            lock.acquire(WAIT).close();
        }
        quiesce(server);
        assertThat(scripts(server) - before).as("script calls, as many as Redisson's own lock makes").isEqualTo(40);
        System.out.printf("Redis commands per uncontended lock acquire+release: %.2f (2 of them script calls)%n",
                (work(server) - all) / 20.0);

        Permit held = lock.acquire(WAIT);
        var next = lock.acquireAsync(WAIT);
        Eventually.await("the second caller queues", Duration.ofSeconds(10), () -> lock.snapshot().waiting() == 1);
        quiesce(server);
        before = scripts(server);
        held.close();
        next.get(20, java.util.concurrent.TimeUnit.SECONDS).close();
        quiesce(server);
        assertThat(scripts(server) - before).as("a hand-over to the successor, then its release").isEqualTo(1);
    }

    private static long scripts(RedisServer server) {
        return server.commandCalls("evalsha") + server.commandCalls("eval");
    }

    /** Waits until Redis runs nothing for 100ms (no release still on its way). */
    private static void quiesce(RedisServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long seen = work(server);
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = work(server);
            if (now == seen) {
                return;
            }
            seen = now;
        }
        throw new AssertionError("Redis did not go quiet within 10s");
    }

    /** Commands Redis ran, from one {@code INFO commandstats}, not counting the INFO calls of this test. */
    private static long work(RedisServer server) {
        long total = 0;
        for (String line : server.command("INFO", "commandstats").split("\r?\n")) {
            int at = line.indexOf(":calls=");
            if (line.startsWith("cmdstat_") && at > 0 && !line.startsWith("cmdstat_info:")) {
                total += Long.parseLong(line.substring(at + 7, line.indexOf(',', at)));
            }
        }
        return total;
    }

    private void compare(Acquirable primitive, int capacity) throws Exception {
        RedisServer server = redis.server();
        primitive.acquire(WAIT).close(); // loads the scripts into Redis
        quiesce(server);

        int alone = 50;
        long before = work(server);
        for (int i = 0; i < alone; i++) {
            primitive.acquire(WAIT).close();
        }
        quiesce(server);
        double uncontended = (work(server) - before) / (double) alone;

        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        before = work(server);
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
        quiesce(server);
        double queued = (work(server) - before) / (double) WAITERS;

        assertThat(failures).isEmpty();
        assertThat(mostInside.get()).isEqualTo(capacity);
        assertThat(uncontended).isPositive();
        assertThat(queued).as("Redis commands per acquisition with %d local waiters (uncontended: %.2f)", WAITERS, uncontended)
                .isLessThanOrEqualTo(uncontended + 2);
        if (primitive instanceof RedisLock) {
            // A queued caller takes its predecessor's Redis hold (LocalHandOver): a Redis grant serves up to 32 of them.
            assertThat(queued).as("Redis commands per acquisition of a lock with %d local waiters (uncontended: %.2f)", WAITERS,
                    uncontended).isLessThan(uncontended / 4);
        }
        System.out.printf("Redis commands per acquisition: uncontended %.2f, with %d local waiters %.2f (%s)%n",
                uncontended, WAITERS, queued, primitive.kind().tag());
    }
}
