package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServerExtension;

@Timeout(60)
class RedisClusterPrimitivesTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

    @Test
    void everyPrimitiveIsClusterScopedAndTheBackendIsRedis() {
        RedisClusterPrimitives primitives = instances.start("a", Duration.ofSeconds(5));
        assertThat(primitives.backend()).isEqualTo("redis");
        assertThat(primitives.lock("l", null, PrimitiveListener.NONE).scope()).isEqualTo(Scope.CLUSTER);
        assertThat(primitives.semaphore("s", "k", 2, PrimitiveListener.NONE).scope()).isEqualTo(Scope.CLUSTER);
        assertThat(primitives.readWriteLock("rw", null, PrimitiveListener.NONE).scope()).isEqualTo(Scope.CLUSTER);
        assertThat(primitives.readWriteLock("rw", null, PrimitiveListener.NONE).writeLock().scope()).isEqualTo(Scope.CLUSTER);
        assertThat(primitives.rateLimiter("r", null, 5, Duration.ofSeconds(1), PrimitiveListener.NONE).scope())
                .isEqualTo(Scope.CLUSTER);
        assertThat(primitives.barrier("b", 2, PrimitiveListener.NONE).scope()).isEqualTo(Scope.CLUSTER);
    }

    @Test
    void isAvailableFollowsRedis() {
        RedisClusterPrimitives primitives = instances.start("a", Duration.ofSeconds(5));
        assertThat(primitives.isAvailable()).isTrue();
        redis.server().kill();
        assertThat(primitives.isAvailable()).isFalse();
        redis.server().restart();
        Eventually.await("available again", Duration.ofSeconds(20), primitives::isAvailable);
    }

    @Test
    void asyncGrantsRunTheCallersContinuationsOffRedissonsThreads() throws Exception {
        Lock lock = instances.start("a", Duration.ofSeconds(5)).lock("threads", null, PrimitiveListener.NONE);
        Permit held = lock.acquire(Duration.ofSeconds(10));
        CompletableFuture<String> continuation = lock.acquireAsync(Duration.ofSeconds(10)).thenApply(permit -> {
            permit.close();
            return Thread.currentThread().getName();
        });
        held.close();
        assertThat(continuation.get(20, TimeUnit.SECONDS)).doesNotContain("redisson").startsWith("signalbox-redis-grant-");
    }
}
