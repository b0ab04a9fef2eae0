package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Semaphore;
import dev.signalbox.redis.testing.RedisServerExtension;

@Timeout(90)
class RedisSemaphoreTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

    /**
     * A cluster semaphore's permits are fixed by configuration in Redis: release(n) and the takes
     * fail, saying why and what to use instead, and change nothing; its bound is its permits, and a
     * request above them (or a semaphore of 0 permits) is refused.
     */
    @Test
    void releaseAndTakeAreUnsupportedAndChangeNothing() throws Exception {
        Semaphore semaphore = instances.start("a", LEASE).semaphore("fixed", null, 2, PrimitiveListener.NONE);
        assertThatThrownBy(semaphore::release).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cluster semaphore 'fixed'")
                .hasMessageContaining("fixed by configuration")
                .hasMessageContaining("close it")
                .hasMessageContaining("local Semaphore");
        assertThatThrownBy(() -> semaphore.release(3)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("release(3)");
        assertThatThrownBy(() -> semaphore.take(WAIT)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("take(1)");
        assertThatThrownBy(semaphore::tryTake).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> semaphore.takeAsync(2, WAIT)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(semaphore.capacity()).isEqualTo(2);
        assertThat(semaphore.bound()).isEqualTo(2);
        try (Permit two = semaphore.acquire(2, WAIT)) {
            assertThat(two.isHeld()).isTrue();
        }
        assertThat(semaphore.availablePermits()).isEqualTo(2);
        assertThatThrownBy(() -> semaphore.acquire(3, WAIT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ask for 1 to 2");
        RedisClusterPrimitives primitives = instances.start("b", LEASE);
        assertThatThrownBy(() -> primitives.semaphore("none", null, 0, PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    @Test
    void permitsAreNeverExceededAcrossInstances() throws Exception {
        int capacity = 3;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (String id : List.of("a", "b", "c")) {
            Semaphore semaphore = instances.start(id, LEASE).semaphore("partner", null, capacity, PrimitiveListener.NONE);
            assertThat(semaphore.scope()).isEqualTo(Scope.CLUSTER);
            for (int t = 0; t < 4; t++) {
                Runnable work = () -> {
                    try {
                        go.await();
                        for (int i = 0; i < 10; i++) {
                            try (Permit permit = semaphore.acquire(WAIT)) {
                                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                Thread.sleep(2);
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
            thread.join(60_000);
            assertThat(thread.isAlive()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(mostInside.get()).isBetween(2, capacity);
    }

    @Test
    void eachHoldHasItsOwnPermitsAndRequestsForSeveralWaitForAllOfThem() throws Exception {
        Semaphore a = instances.start("a", LEASE).semaphore("pool", "k", 3, PrimitiveListener.NONE);
        Semaphore b = instances.start("b", LEASE).semaphore("pool", "k", 3, PrimitiveListener.NONE);
        Permit one = a.acquire(WAIT);
        Permit two = b.acquire(2, WAIT);
        assertThat(a.tryAcquire()).isNull();
        CompletableFuture<Permit> wantsTwo = a.acquireAsync(2, WAIT);
        one.close();
        Thread.sleep(200);
        assertThat(wantsTwo).isNotDone();
        two.close();
        try (Permit both = wantsTwo.get(20, TimeUnit.SECONDS)) {
            assertThat(b.tryAcquire(2)).isNull();
            try (Permit last = b.tryAcquire()) {
                assertThat(last).isNotNull();
            }
        }
        assertThat(one.fencingToken()).isEmpty();
        assertThatThrownBy(() -> a.acquire(4, WAIT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 3");
    }

    @Test
    void aCrashedHoldersPermitsReturnWithinOneLease() throws Exception {
        RedisClusterPrimitives crashing = instances.start("crashing", Duration.ofSeconds(1));
        Semaphore a = crashing.semaphore("crash", null, 2, PrimitiveListener.NONE);
        Semaphore b = instances.start("b", Duration.ofSeconds(1)).semaphore("crash", null, 2, PrimitiveListener.NONE);
        a.acquire(2, WAIT);
        instances.crash(crashing);
        try (Permit both = b.acquire(2, WAIT)) {
            assertThat(both.isHeld()).isTrue();
        }
    }
}
