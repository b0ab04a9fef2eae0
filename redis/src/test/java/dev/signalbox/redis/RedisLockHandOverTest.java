package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RBucket;
import org.redisson.client.codec.LongCodec;

import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServerExtension;

/**
 * The local hand-over of a cluster lock's Redis hold ({@link LocalHandOver}): exclusion and strictly
 * growing fencing tokens across instances while holds pass between local callers without Redis, and
 * no Redis hold left behind when the caller it was handed to has timed out or been cancelled.
 */
@Timeout(120)
class RedisLockHandOverTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

    @Test
    void handOversKeepAnExactCounterAndStrictlyGrowingTokensAcrossThreeInstances() throws Exception {
        int perThread = 40;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Long> tokensInGrantOrder = new ArrayList<>();
        List<String> instancesInGrantOrder = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (String id : List.of("a", "b", "c")) {
            Lock lock = instances.start(id, LEASE).lock("handed", "k", PrimitiveListener.NONE);
            RBucket<Long> counter = instances.client().getBucket("test:handed", LongCodec.INSTANCE);
            for (int t = 0; t < 8; t++) {
                Runnable work = () -> {
                    try {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            try (Permit permit = lock.acquire(WAIT)) {
                                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                tokensInGrantOrder.add(permit.fencingToken().orElseThrow()); // guarded by the lock
                                instancesInGrantOrder.add(id);
                                Long value = counter.get();
                                counter.set(value == null ? 1 : value + 1);
                                inside.decrementAndGet();
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
            thread.join(TimeUnit.SECONDS.toMillis(90));
            assertThat(thread.isAlive()).as("a worker is still running").isFalse();
        }
        int grants = threads.size() * perThread;
        assertThat(failures).isEmpty();
        assertThat(mostInside.get()).isEqualTo(1);
        assertThat(redis.server().command("GET", "test:handed")).isEqualTo(String.valueOf(grants));
        assertThat(tokensInGrantOrder).hasSize(grants).isSorted().doesNotHaveDuplicates();
        long mask = (1L << LocalHandOver.SEQUENCE_BITS) - 1;
        long handedOver = tokensInGrantOrder.stream().filter(token -> (token & mask) > 0).count();
        long redisGrants = tokensInGrantOrder.stream().map(token -> token >>> LocalHandOver.SEQUENCE_BITS).distinct().count();
        assertThat(handedOver).as("grants that were local hand-overs").isPositive();
        assertThat(tokensInGrantOrder).allSatisfy(token -> assertThat(token & mask).isLessThan(LocalHandOver.MAX_HOLDS));
        long switches = 0;
        for (int i = 1; i < instancesInGrantOrder.size(); i++) {
            if (!instancesInGrantOrder.get(i).equals(instancesInGrantOrder.get(i - 1))) {
                switches++;
            }
        }
        assertThat(switches).as("the lock moved between instances (Redis grants: %d)", redisGrants).isPositive();
        System.out.printf("%d grants: %d Redis grants, %d local hand-overs, %d moves between instances%n", grants, redisGrants,
                handedOver, switches);
    }

    /**
     * A hold handed to a caller that timed out or was cancelled at that moment is passed on or released in
     * Redis: another instance then gets the lock (a leaked hold would be renewed by Redisson's watchdog
     * for ever, and that instance would time out).
     */
    @Test
    void aHandOverToACallerThatJustTimedOutOrWasCancelledNeverKeepsTheLockFromOtherInstances() throws Exception {
        Lock busy = instances.start("busy", LEASE).lock("abandoned", null, PrimitiveListener.NONE);
        Lock other = instances.start("other", LEASE).lock("abandoned", null, PrimitiveListener.NONE);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int round = 0; round < 60; round++) {
            Permit held = busy.acquire(WAIT);
            List<CompletableFuture<Permit>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(busy.acquireAsync(Duration.ofMillis(random.nextInt(1, 4))));
            }
            if (round % 2 == 0) {
                CompletableFuture.runAsync(() -> waiters.forEach(waiter -> waiter.cancel(false)));
            }
            Thread.sleep(random.nextInt(0, 3));
            held.close();
            for (CompletableFuture<Permit> waiter : waiters) {
                try {
                    waiter.get(20, TimeUnit.SECONDS).close();
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException ended) {
                    // timed out or cancelled: holds nothing
                }
            }
            try (Permit permit = other.acquire(Duration.ofSeconds(10))) {
                assertThat(permit.isHeld()).as("round %d: the other instance gets the lock", round).isTrue();
            }
        }
        assertThat(busy.snapshot().waiting()).isZero();
        assertThat(busy.isLocked()).isFalse();
    }
}
