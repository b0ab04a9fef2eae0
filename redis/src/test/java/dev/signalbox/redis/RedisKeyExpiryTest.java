package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServerExtension;

/**
 * Per-key state in Redis is deleted on release or expires when idle, so many keys leave nothing behind,
 * except the fencing-token counters (documented): Redisson's {@code redisson_lock_token:} of each lock
 * and the {@code :fence} counter of each read-write lock, one small key per name and key, never expiring,
 * so that tokens never go backwards.
 */
@Timeout(90)
class RedisKeyExpiryTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

    @Test
    void manyKeysOfEveryKindLeaveNothingInRedisOnceIdle() throws Exception {
        RedisClusterPrimitives a = instances.start("a", Duration.ofSeconds(1));
        RedisClusterPrimitives b = instances.start("b", Duration.ofSeconds(1));
        for (int i = 0; i < 200; i++) {
            String key = "account-" + i;
            a.lock("locks", key, PrimitiveListener.NONE).acquire(WAIT).close();
            a.semaphore("semaphores", key, 2, PrimitiveListener.NONE).acquire(WAIT).close();
            var rw = a.readWriteLock("rw", key, PrimitiveListener.NONE);
            rw.readLock().acquire(WAIT).close();
            rw.writeLock().acquire(WAIT).close();
        }
        Lock contended = a.lock("contended", "k", PrimitiveListener.NONE);
        Permit held = contended.acquire(WAIT);
        CompletableFuture<Permit> waiter = b.lock("contended", "k", PrimitiveListener.NONE).acquireAsync(WAIT);
        Eventually.await("a waiter registers", Duration.ofSeconds(10),
                () -> redis.server().command("EXISTS", "signalbox:{contended:k}:waiting").equals(":1"));
        held.close();
        waiter.get(20, java.util.concurrent.TimeUnit.SECONDS).close();

        List<String> left = keys();
        assertThat(left).isNotEmpty().allSatisfy(key -> assertThat(redis.server().command("PTTL", key))
                .as("TTL of %s (-1: none; -2: expired meanwhile)", key).isNotEqualTo(":-1"));
        assertThat(left).noneMatch(key -> key.equals("signalbox:{locks:account-1}"));
        Eventually.await("every key expires", Duration.ofSeconds(15), () -> keys().isEmpty());

        List<String> counters = counters();
        assertThat(counters).hasSize(200 + 200 + 1).allSatisfy(key -> assertThat(redis.server().command("PTTL", key))
                .as("TTL of %s", key).isEqualTo(":-1"));
        assertThat(counters).contains("redisson_lock_token:signalbox:{locks:account-7}", "signalbox:{rw:account-7}:fence",
                "redisson_lock_token:signalbox:{contended:k}");
    }

    /** Keys other than the fencing-token counters. */
    private static List<String> keys() {
        return all().stream().filter(key -> !isCounter(key)).toList();
    }

    private static List<String> counters() {
        return all().stream().filter(RedisKeyExpiryTest::isCounter).toList();
    }

    private static boolean isCounter(String key) {
        return key.startsWith("redisson_lock_token:") || key.endsWith(":fence");
    }

    private static List<String> all() {
        String reply = redis.server().command("KEYS", "*");
        return reply.isEmpty() || reply.startsWith("*0") ? List.of() : List.of(reply.split("\n"));
    }
}
