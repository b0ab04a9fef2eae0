package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RBucket;
import org.redisson.client.codec.LongCodec;

import dev.signalbox.annotation.Scope;
import dev.signalbox.registry.ClusterMembers;
import dev.signalbox.registry.ClusterMembers.Member;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServerExtension;
import dev.signalbox.testing.RecordingListener;

@Timeout(90)
class RedisLockTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RedisInstances instances = new RedisInstances(redis);

    @Test
    void aHoldExcludesAnotherInstanceUntilReleased() throws Exception {
        Lock a = instances.start("a", LEASE).lock("transfer", "acct-1", PrimitiveListener.NONE);
        Lock b = instances.start("b", LEASE).lock("transfer", "acct-1", PrimitiveListener.NONE);
        Lock otherKey = instances.start("c", LEASE).lock("transfer", "acct-2", PrimitiveListener.NONE);
        assertThat(a.scope()).isEqualTo(Scope.CLUSTER);

        Permit held = a.acquire(WAIT);
        assertThat(b.tryAcquire()).isNull();
        assertThatThrownBy(() -> b.acquire(Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
        try (Permit independent = otherKey.tryAcquire()) {
            assertThat(independent).isNotNull();
        }
        held.close();
        held.close(); // idempotent
        try (Permit next = b.acquire(WAIT)) {
            assertThat(next.isHeld()).isTrue();
        }
        assertThat(held.isHeld()).isFalse();
    }

    @Test
    void exactSharedCounterUnderPlatformAndVirtualThreadsOfThreeInstances() throws Exception {
        int perThread = 15;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Long> tokensInGrantOrder = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (String id : List.of("a", "b", "c")) {
            RedisClusterPrimitives instance = instances.start(id, LEASE);
            Lock lock = instance.lock("counter", null, PrimitiveListener.NONE);
            RBucket<Long> counter = instances.client().getBucket("test:counter", LongCodec.INSTANCE);
            for (int t = 0; t < 6; t++) {
                Runnable work = () -> {
                    try {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            try (Permit permit = lock.acquire(WAIT)) {
                                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                tokensInGrantOrder.add(permit.fencingToken().orElseThrow()); // guarded by the lock
                                Long value = counter.get();
                                Thread.yield();
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
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(thread.isAlive()).as("a worker is still running").isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(mostInside.get()).isEqualTo(1);
        assertThat(redis.server().command("GET", "test:counter")).isEqualTo(String.valueOf(threads.size() * perThread));
        assertThat(tokensInGrantOrder).hasSize(threads.size() * perThread).isSorted().doesNotHaveDuplicates();
    }

    /** A hold handed from one local caller to the next must not shut out callers of other instances. */
    @Test
    void aStreamOfLocalCallersDoesNotStarveAnotherInstance() throws Exception {
        Lock busy = instances.start("busy", LEASE).lock("starve", null, PrimitiveListener.NONE);
        Lock other = instances.start("other", LEASE).lock("starve", null, PrimitiveListener.NONE);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger busyGrants = new AtomicInteger();
        List<Thread> stream = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            stream.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try (Permit permit = busy.acquire(WAIT)) {
                        busyGrants.incrementAndGet();
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        try {
            Eventually.await("the stream is going", Duration.ofSeconds(10), () -> busyGrants.get() > 20);
            for (int i = 0; i < 5; i++) {
                try (Permit permit = other.acquire(Duration.ofSeconds(10))) {
                    assertThat(permit.isHeld()).isTrue();
                }
            }
        } finally {
            stop.set(true);
            for (Thread thread : stream) {
                thread.join(20_000);
            }
        }
    }

    @Test
    void anAsyncHoldIsReleasedFromAnotherThread() throws Exception {
        Lock a = instances.start("a", LEASE).lock("async", null, PrimitiveListener.NONE);
        Lock b = instances.start("b", LEASE).lock("async", null, PrimitiveListener.NONE);
        Permit held = a.acquireAsync(WAIT).get(20, TimeUnit.SECONDS);
        assertThat(a.isHeldByCurrentThread()).isFalse();
        CompletableFuture<Permit> waiting = b.acquireAsync(WAIT);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            other.submit(held::close).get(10, TimeUnit.SECONDS);
        } finally {
            other.shutdown();
        }
        try (Permit next = waiting.get(20, TimeUnit.SECONDS)) {
            assertThat(next.isHeld()).isTrue();
        }
    }

    /**
     * Redisson's fencing token: one counter per name and key ({@code redisson_lock_token:...}) that
     * never expires, so tokens keep growing across instances and idle time; and the documented limit:
     * a Redis that loses its data (here a restart without persistence) starts them again at 1.
     */
    @Test
    void fencingTokensGrowWithEveryGrantAcrossInstancesAndIdleTimeAndRestartWhenRedisLosesItsData() throws Exception {
        Lock a = instances.start("a", Duration.ofSeconds(1)).lock("fenced", "k", PrimitiveListener.NONE);
        Lock b = instances.start("b", Duration.ofSeconds(1)).lock("fenced", "k", PrimitiveListener.NONE);
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try (Permit permit = (i % 2 == 0 ? a : b).acquire(WAIT)) {
                tokens.add(permit.fencingToken().orElseThrow());
            }
        }
        Eventually.await("the lock's own key is gone once released", Duration.ofSeconds(10),
                () -> redis.server().command("EXISTS", "signalbox:{fenced:k}").equals(":0"));
        assertThat(redis.server().command("PTTL", "redisson_lock_token:signalbox:{fenced:k}")).as("the token key never expires")
                .isEqualTo(":-1");
        Thread.sleep(1_500); // idle for longer than a lease
        try (Permit permit = a.acquire(WAIT)) {
            tokens.add(permit.fencingToken().orElseThrow());
        }
        assertThat(tokens).hasSize(11).isSorted().doesNotHaveDuplicates();

        redis.server().kill();
        redis.server().restart();
        List<Long> afterRestart = new ArrayList<>();
        Eventually.await("the lock works again after the restart", Duration.ofSeconds(20), () -> {
            try (Permit permit = b.acquire(Duration.ofSeconds(2))) {
                afterRestart.add(permit.fencingToken().orElseThrow());
                return true;
            } catch (RuntimeException | InterruptedException unavailable) {
                return false;
            }
        });
        assertThat(afterRestart).as("Redis lost the counter: tokens start again (Redisson's token 1, local sequence 0)")
                .containsExactly(1L << LocalHandOver.SEQUENCE_BITS);
    }

    @Test
    void aCrashedHolderFreesTheLockWithinOneLease() throws Exception {
        RedisClusterPrimitives crashing = instances.start("crashing", Duration.ofSeconds(1));
        Lock a = crashing.lock("crash", null, PrimitiveListener.NONE);
        Lock b = instances.start("b", Duration.ofSeconds(1)).lock("crash", null, PrimitiveListener.NONE);
        Permit abandoned = a.acquire(WAIT);
        instances.crash(crashing); // Redisson's watchdog stops, as when the process dies; the permit is never closed
        try (Permit next = b.acquire(WAIT)) {
            assertThat(next.fencingToken().getAsLong()).isGreaterThan(abandoned.fencingToken().getAsLong());
        }
    }

    @Test
    void timeoutsCancellationAndInterruptsInRedisHoldNothing() throws Exception {
        RecordingListener events = new RecordingListener();
        Lock a = instances.start("a", LEASE).lock("waits", null, PrimitiveListener.NONE);
        Lock b = instances.start("b", LEASE).lock("waits", null, events);
        Permit held = a.acquire(WAIT);

        assertThatThrownBy(() -> b.acquire(Duration.ofMillis(300))).isInstanceOf(GuardTimeoutException.class);
        CompletableFuture<Permit> cancelled = b.acquireAsync(WAIT);
        Eventually.await("the waiter registers in Redis", Duration.ofSeconds(10),
                () -> redis.server().command("EXISTS", "signalbox:{waits}:waiting").equals(":1"));
        assertThat(cancelled.cancel(true)).isTrue();
        Thread interrupted = Thread.ofPlatform().start(() -> {
            assertThatThrownBy(() -> b.acquire(WAIT)).isInstanceOf(InterruptedException.class);
        });
        Eventually.await("the blocking waiter waits", Duration.ofSeconds(10), () -> b.snapshot().waiting() == 1);
        interrupted.interrupt();
        interrupted.join(10_000);
        assertThat(interrupted.isAlive()).isFalse();

        Eventually.await("the withdrawn waiters leave Redis", Duration.ofSeconds(10),
                () -> redis.server().command("EXISTS", "signalbox:{waits}:waiting").equals(":0"));
        assertThat(b.snapshot().waiting()).isZero();
        held.close();
        try (Permit next = b.acquire(WAIT)) {
            assertThat(next.isHeld()).isTrue();
        }
        assertThat(events.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(events.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(events.count(Outcome.INTERRUPTED)).isEqualTo(1);
        assertThat(events.count(Outcome.ACQUIRED)).isEqualTo(1);
        assertThat(events.arrivals()).isEqualTo(4);
        assertThat(events.releases()).isEqualTo(1);
    }

    /** The caller withdraws an async acquisition's future (cancel or completeExceptionally) but cannot complete it. */
    @Test
    void anAsyncAcquisitionCanBeWithdrawnButNotCompleted() throws Exception {
        RecordingListener events = new RecordingListener();
        Lock a = instances.start("a", LEASE).lock("withdrawable", null, PrimitiveListener.NONE);
        Lock b = instances.start("b", LEASE).lock("withdrawable", null, events);
        Permit held = a.acquire(WAIT);

        CompletableFuture<Permit> failed = b.acquireAsync(WAIT);
        Eventually.await("b's waiter is queued", Duration.ofSeconds(10), () -> b.snapshot().waiting() == 1);
        assertThatThrownBy(() -> failed.complete(held)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("when the acquisition is granted").hasMessageContaining("cancel() it");
        assertThat(failed).isNotDone();
        IllegalStateException mine = new IllegalStateException("the caller gave up");
        assertThat(failed.completeExceptionally(mine)).isTrue();
        assertThatThrownBy(() -> failed.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(mine);
        assertThat(b.snapshot().waiting()).as("the acquisition is withdrawn, not just its future failed").isZero();
        assertThat(failed.cancel(false)).as("already failed").isFalse();

        CompletableFuture<Permit> cancelled = b.acquireAsync(WAIT);
        Eventually.await("b's waiter is queued", Duration.ofSeconds(10), () -> b.snapshot().waiting() == 1);
        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(cancelled.cancel(false)).as("cancelled before").isTrue();
        assertThat(cancelled.completeExceptionally(mine)).isFalse();
        assertThat(b.snapshot().waiting()).isZero();

        CompletableFuture<Permit> granted = b.acquireAsync(WAIT);
        held.close();
        try (Permit next = granted.get(20, TimeUnit.SECONDS)) {
            assertThat(granted.cancel(false)).as("the grant won").isFalse();
            assertThatThrownBy(() -> granted.complete(null)).isInstanceOf(UnsupportedOperationException.class);
            assertThat(granted.join()).isSameAs(next);
            assertThat(next.isHeld()).isTrue();
        }
        assertThat(events.count(Outcome.CANCELLED)).isEqualTo(2);
        assertThat(events.count(Outcome.ACQUIRED)).isEqualTo(1);
    }

    @Test
    void grantsRacingCancellationsAreNeverLost() throws Exception {
        Lock a = instances.start("a", LEASE).lock("race", null, PrimitiveListener.NONE);
        Lock b = instances.start("b", LEASE).lock("race", null, PrimitiveListener.NONE);
        for (int i = 0; i < 30; i++) {
            Permit held = a.acquire(WAIT);
            CompletableFuture<Permit> waiter = b.acquireAsync(WAIT);
            held.close();
            if (i % 3 != 0) {
                Thread.sleep(i % 5);
            }
            if (!waiter.cancel(false)) {
                waiter.get(20, TimeUnit.SECONDS).close();
            }
        }
        try (Permit last = a.acquire(WAIT)) {
            assertThat(last.isHeld()).isTrue();
        }
    }

    @Test
    void membersShowHoldersAndWaitersOfEveryInstance() throws Exception {
        Lock a = instances.start("instance-a", LEASE).lock("members", "k", PrimitiveListener.NONE);
        Lock b = instances.start("instance-b", LEASE).lock("members", "k", PrimitiveListener.NONE);
        assertThat(((ClusterMembers) a).members()).isEmpty();
        try (Permit held = a.acquire(WAIT)) {
            CompletableFuture<Permit> first = b.acquireAsync(WAIT);
            CompletableFuture<Permit> second = b.acquireAsync(WAIT);
            Eventually.await("b's head waits in Redis", Duration.ofSeconds(10),
                    () -> redis.server().command("EXISTS", "signalbox:{members:k}:waiting").equals(":1"));
            List<Member> seenFromA = ((ClusterMembers) a).members();
            assertThat(seenFromA).extracting(Member::instance, Member::role, Member::count)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("instance-a", "holder", 1),
                            org.assertj.core.groups.Tuple.tuple("instance-b", "waiter", 1));
            // Other instances see a hold once it has lasted RedisMembers.REGISTER_AFTER_NANOS.
            Eventually.await("a's hold is written for other instances", Duration.ofSeconds(10),
                    () -> ((ClusterMembers) b).members().stream().anyMatch(m -> m.role().equals("holder")));
            List<Member> seenFromB = ((ClusterMembers) b).members();
            assertThat(seenFromB).extracting(Member::instance, Member::role, Member::count)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("instance-a", "holder", 1),
                            org.assertj.core.groups.Tuple.tuple("instance-b", "waiter", 2));
            first.cancel(false);
            second.cancel(false);
        }
    }

    @Test
    void aHoldIsWrittenForOtherInstancesOnceItLastsAndRemovedOnRelease() throws Exception {
        Lock a = instances.start("a", LEASE).lock("entry", "k", PrimitiveListener.NONE);
        try (Permit held = a.acquire(WAIT)) {
            assertThat(((ClusterMembers) a).members()).as("this instance lists its own hold at once")
                    .extracting(Member::instance, Member::role, Member::count)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "holder", 1));
            Eventually.await("the hold is written after " + RedisMembers.REGISTER_AFTER_NANOS / 1_000_000 + "ms",
                    Duration.ofSeconds(10), () -> redis.server().command("ZCARD", "signalbox:{entry:k}:holders").equals(":1"));
        }
        Eventually.await("the entry is removed on release", Duration.ofSeconds(10),
                () -> redis.server().command("EXISTS", "signalbox:{entry:k}:holders").equals(":0"));
        assertThat(((ClusterMembers) a).members()).isEmpty();
    }

    @Test
    void snapshotsDescribeThisInstanceWithoutAskingRedis() throws Exception {
        Lock lock = instances.start("a", LEASE).lock("snap", null, new RecordingListener());
        try (Permit held = lock.acquire(WAIT)) {
            long before = redis.server().totalCommandCalls();
            var snapshot = lock.snapshot();
            long after = redis.server().totalCommandCalls();
            assertThat(after - before).as("commands besides the two INFO calls").isEqualTo(1);
            assertThat(snapshot.active()).isEqualTo(1);
            assertThat(snapshot.capacity()).isEqualTo(1);
            assertThat(snapshot.holders()).singleElement().satisfies(h -> assertThat(h.description())
                    .isEqualTo(Thread.currentThread().getName()));
        }
    }

    @Test
    void conditionsAreRefusedWithAReason() {
        Lock lock = instances.start("a", LEASE).lock("cond", null, PrimitiveListener.NONE);
        assertThatThrownBy(() -> lock.newCondition("c")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cond");
    }

    static Permit get(Future<Permit> future) throws Exception {
        try {
            return future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
