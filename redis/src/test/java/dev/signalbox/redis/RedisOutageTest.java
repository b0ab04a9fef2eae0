package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.Barrier;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;
import dev.signalbox.redis.testing.RedisServerExtension;
import dev.signalbox.testing.RecordingListener;

@Timeout(120)
class RedisOutageTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(3);

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
    void aKilledRedisFailsWaitsWithGuardUnavailableAndGuardsWorkAgainAfterItsRestart() throws Exception {
        RecordingListener events = new RecordingListener();
        Lock a = instances.start("a", LEASE).lock("outage", null, PrimitiveListener.NONE);
        Lock b = instances.start("b", LEASE).lock("outage", null, events);
        Permit held = a.acquire(Duration.ofSeconds(10));
        CompletableFuture<Permit> waiting = b.acquireAsync(Duration.ofSeconds(60));
        Eventually.await("b waits in Redis", Duration.ofSeconds(10),
                () -> redis.server().command("EXISTS", "signalbox:{outage}:waiting").equals(":1"));

        redis.server().kill();
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(GuardUnavailableException.class).hasMessageContaining("outage");
        assertThatThrownBy(() -> b.acquire(Duration.ofSeconds(1))).isInstanceOf(GuardUnavailableException.class);
        assertThatThrownBy(b::tryAcquire).isInstanceOf(GuardUnavailableException.class);
        held.close(); // Redis is known down: gives the local queue back at once, the hold ends with its lease
        assertThat(events.count(Outcome.REJECTED)).isEqualTo(3);

        redis.server().restart();
        Eventually.await("b acquires again once Redis is back", Duration.ofSeconds(30), () -> acquiresOnce(b));
        Eventually.await("a acquires again once Redis is back", Duration.ofSeconds(30), () -> acquiresOnce(a));
    }

    @Test
    void aPausedRedisIsBoundedByTheCallsTimeoutNotByRedissonsRetries() throws Exception {
        Semaphore semaphore = instances.start("a", LEASE).semaphore("frozen", "k", 2, PrimitiveListener.NONE);
        ReadWriteLock rw = instances.start("b", LEASE).readWriteLock("frozen-rw", "k", PrimitiveListener.NONE);
        semaphore.acquire(Duration.ofSeconds(5)).close();
        redis.server().pause();
        CompletableFuture<Permit> call = semaphore.acquireAsync(Duration.ofMillis(700));
        assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(GuardUnavailableException.class)
                .hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class)
                .rootCause().hasMessageStartingWith("no answer from Redis within");
        assertThatThrownBy(() -> rw.writeLock().acquire(Duration.ofSeconds(1))).isInstanceOf(GuardUnavailableException.class);
        redis.server().resume();
        Eventually.await("the semaphore works again", Duration.ofSeconds(30), () -> acquiresOnce(semaphore::acquire));
    }

    @Test
    void withLocalFallbackAnOutageGivesLocalPermitsOfTheSameShapeUntilRedisReturns() throws Exception {
        RedisClusterPrimitives instance = instances.start("a", LEASE, true);
        Lock lock = instance.lock("fallback", null, PrimitiveListener.NONE);
        Semaphore semaphore = instance.semaphore("fallback-sem", null, 2, PrimitiveListener.NONE);
        redis.server().kill();

        ClusterPermit local = (ClusterPermit) lock.acquire(Duration.ofSeconds(5));
        assertThat(local.isFallback()).isTrue();
        assertThat(local.fencingToken()).isEmpty();
        assertThat(lock.tryAcquire()).as("the fallback still excludes this instance's callers").isNull();
        CompletableFuture<Permit> next = lock.acquireAsync(Duration.ofSeconds(10));
        local.close();
        ClusterPermit handedOn = (ClusterPermit) next.get(20, TimeUnit.SECONDS);
        assertThat(handedOn.isFallback()).isTrue();
        handedOn.close();
        try (Permit one = semaphore.acquire(Duration.ofSeconds(5)); Permit two = semaphore.acquire(Duration.ofSeconds(5))) {
            assertThat(semaphore.tryAcquire()).isNull();
        }

        redis.server().restart();
        Eventually.await("permits come from Redis again", Duration.ofSeconds(30), () -> givesARedisPermit(lock));
    }

    @Test
    void anOutageThatOneGuardSawIsKnownAtOnceToTheOtherGuardsOfTheSameInstance() throws Exception {
        RedisClusterPrimitives instance = instances.start("a", LEASE);
        Lock lock = instance.lock("shared", null, PrimitiveListener.NONE);
        RateLimiter limiter = instance.rateLimiter("shared-limit", null, 5, Duration.ofSeconds(1), PrimitiveListener.NONE);
        Barrier barrier = instance.barrier("shared-barrier", 2, PrimitiveListener.NONE);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(barrier.waiting()).isZero();

        redis.server().pause();
        assertThatThrownBy(lock::tryAcquire).isInstanceOf(GuardUnavailableException.class)
                .hasMessageContaining("no answer in time");
        // Redis is not asked now (had it been, the message would say it did not answer within 1s).
        assertThatThrownBy(limiter::tryAcquire).isInstanceOf(GuardUnavailableException.class)
                .hasMessageContaining("not tried again yet");
        assertThatThrownBy(() -> barrier.awaitAsync(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOf(GuardUnavailableException.class).hasMessageContaining("not tried again yet");

        redis.server().resume();
        Eventually.await("the lock works again", Duration.ofSeconds(30), () -> acquiresOnce(lock));
        assertThat(limiter.tryAcquire()).as("and so does the rate limiter").isTrue();

        redis.server().pause();
        assertThatThrownBy(limiter::tryAcquire).isInstanceOf(GuardUnavailableException.class)
                .hasMessageContaining("did not answer within");
        assertThatThrownBy(lock::tryAcquire).isInstanceOf(GuardUnavailableException.class)
                .hasMessageContaining("not tried again yet");
    }

    @Test
    void withLocalFallbackARateLimiterFallsBackOnceALockOfTheSameInstanceSawTheOutage() throws Exception {
        RedisClusterPrimitives instance = instances.start("a", LEASE, true);
        Lock lock = instance.lock("shared-fallback", null, PrimitiveListener.NONE);
        RateLimiter limiter = instance.rateLimiter("shared-fallback-limit", null, 1, Duration.ofHours(1), PrimitiveListener.NONE);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).as("Redis' window is spent").isFalse();

        redis.server().pause();
        try (Permit local = lock.acquire(Duration.ofSeconds(5))) {
            assertThat(((ClusterPermit) local).isFallback()).isTrue();
        }
        assertThat(limiter.tryAcquire()).as("served by the local limiter, whose window is fresh").isTrue();
        assertThat(limiter.tryAcquire()).isFalse();

        redis.server().resume();
        Eventually.await("permits come from Redis again", Duration.ofSeconds(30), () -> givesARedisPermit(lock));
    }

    private interface Acquire {
        Permit acquire(Duration timeout) throws InterruptedException;
    }

    private static boolean givesARedisPermit(Lock lock) {
        try (Permit permit = lock.acquire(Duration.ofSeconds(2))) {
            return !((ClusterPermit) permit).isFallback();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean acquiresOnce(Lock lock) {
        return acquiresOnce(lock::acquire);
    }

    private static boolean acquiresOnce(Acquire acquire) {
        try (Permit permit = acquire.acquire(Duration.ofSeconds(2))) {
            return permit.isHeld();
        } catch (GuardUnavailableException unavailable) {
            return false;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
