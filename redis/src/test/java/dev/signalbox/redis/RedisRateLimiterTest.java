package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimitExceededException;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.redis.testing.RedisServer;
import dev.signalbox.redis.testing.RedisServerExtension;
import dev.signalbox.testing.RecordingListener;

@Timeout(120)
class RedisRateLimiterTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private RedisTestClients clients;

    @BeforeEach
    void clients() {
        clients = new RedisTestClients(redis.server());
    }

    @AfterEach
    void close() {
        clients.close();
    }

    private RedisRateLimiter limiter(String instance, String name, String key, int limit, Duration per) {
        return new RedisRateLimiter(clients.newClient(), RedisTestClients.settings(instance), name, key, limit, per,
                PrimitiveListener.NONE);
    }

    @Test
    void instancesShareOneBucket() throws Exception {
        // 20 per hour: the refill during the test is a small fraction of a token, so exactly 20 calls get in.
        List<RedisRateLimiter> instances = List.of(limiter("a", "fraud-api", null, 20, Duration.ofHours(1)),
                limiter("b", "fraud-api", null, 20, Duration.ofHours(1)), limiter("c", "fraud-api", null, 20, Duration.ofHours(1)));
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RedisRateLimiter limiter = instances.get(i % 3);
            boolean useAcquire = i % 2 == 0;
            Runnable calls = () -> {
                await(start);
                for (int n = 0; n < 15; n++) {
                    if (useAcquire) {
                        try {
                            limiter.acquire(Duration.ZERO);
                            admitted.incrementAndGet();
                        } catch (RateLimitExceededException rejected) {
                            // over the limit
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    } else if (limiter.tryAcquire()) {
                        admitted.incrementAndGet();
                    }
                }
            };
            threads.add(i < 3 ? Thread.ofPlatform().start(calls) : Thread.ofVirtual().start(calls));
        }
        start.countDown();
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(30))).isTrue();
        }

        assertThat(admitted).hasValue(20);
        assertThat(instances.get(0).availableTokens()).isZero();
        assertThat(instances.get(1).tryAcquire()).isFalse();
        assertThat(instances.get(2).scope()).isEqualTo(Scope.CLUSTER);
    }

    @Test
    void admissionsOverAnyWindowStayWithinTheBucketAcrossInstances() throws Exception {
        int limit = 5;
        Duration per = Duration.ofMillis(400);
        List<RedisRateLimiter> instances = List.of(limiter("a", "partner", null, limit, per),
                limiter("b", "partner", null, limit, per), limiter("c", "partner", null, limit, per));
        List<long[]> admissions = Collections.synchronizedList(new ArrayList<>());
        long stopAt = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RedisRateLimiter limiter = instances.get(i % 3);
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < stopAt) {
                    long sent = System.nanoTime();
                    if (limiter.tryAcquire()) {
                        admissions.add(new long[] {sent, System.nanoTime()});
                    }
                    sleepMillis(2);
                }
            }));
        }
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(30))).isTrue();
        }

        // Each admission happened in Redis between its call's start and end. Any set of admissions whose calls
        // lie in [first start, last end] took at most limit + (last end - first start) * limit / per tokens (the
        // bucket's bound), and at most limit when that span is shorter than per. Redisson's sliding window is
        // timed in whole milliseconds of the callers' clocks, and a grant leaves it exactly per later: grants
        // at 0, 400 and 800 ms (timestamps) can lie 799.x ms apart in real time, hence a margin in both (the rest
        // of it covers the wall clock drifting against System.nanoTime over the run).
        long margin = 3_000_000L;
        List<long[]> byStart = new ArrayList<>(admissions);
        byStart.sort((x, y) -> Long.compare(x[0], y[0]));
        assertThat(byStart.size()).isGreaterThan(limit);
        for (int i = 0; i < byStart.size(); i++) {
            long windowStart = byStart.get(i)[0];
            List<Long> ends = new ArrayList<>();
            for (int j = i; j < byStart.size(); j++) {
                ends.add(byStart.get(j)[1]);
            }
            Collections.sort(ends);
            for (int n = 0; n < ends.size(); n++) {
                long window = ends.get(n) - windowStart;
                long bound = limit + ((window + margin) * limit) / per.toNanos();
                assertThat((long) n + 1).as("admissions in a window of %d ms", window / 1_000_000).isLessThanOrEqualTo(bound);
                if (window < per.toNanos() - margin) {
                    assertThat(n + 1).as("admissions within one window of %d ms", window / 1_000_000).isLessThanOrEqualTo(limit);
                }
            }
        }
    }

    @Test
    void waitersOnSeveralInstancesAreGrantedWithinTheRate() throws Exception {
        int limit = 4;
        Duration per = Duration.ofSeconds(1);
        List<RedisRateLimiter> instances = List.of(limiter("a", "batch", null, limit, per),
                limiter("b", "batch", null, limit, per), limiter("c", "batch", null, limit, per));
        List<Long> grantedAt = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            RedisRateLimiter limiter = instances.get(i % 3);
            Runnable call = () -> {
                await(start);
                try {
                    limiter.acquire(Duration.ofSeconds(10));
                    grantedAt.add(System.nanoTime());
                } catch (Throwable t) {
                    failure.set(t);
                }
            };
            threads.add(i % 2 == 0 ? Thread.ofPlatform().start(call) : Thread.ofVirtual().start(call));
        }
        start.countDown();
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(30))).isTrue();
        }

        assertThat(failure.get()).isNull();
        assertThat(grantedAt).hasSize(12);
        // A grant returns at most one round trip after its due time in Redis; one token (250 ms of refill)
        // covers that round trip, so grants returning in a window of w took at most limit + 1 + w * rate tokens.
        List<Long> sorted = new ArrayList<>(grantedAt);
        Collections.sort(sorted);
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i; j < sorted.size(); j++) {
                long window = sorted.get(j) - sorted.get(i);
                assertThat((long) (j - i + 1)).isLessThanOrEqualTo(limit + 1 + window * limit / per.toNanos());
            }
        }
    }

    @Test
    void retryAfterIsPositiveAndNoLongerThanTheRefill() throws Exception {
        Duration per = Duration.ofSeconds(10);
        RedisRateLimiter a = limiter("a", "reports", null, 5, per);
        RedisRateLimiter b = limiter("b", "reports", null, 5, per);
        assertThat(a.timeUntilAvailable(5)).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(a.tryAcquire()).isTrue();
        }

        // Redisson's limiter does not say when its oldest grant leaves the window: the retry-after is the
        // window itself, the longest any call for up to limit tokens can have to wait.
        assertThat(b.tryAcquire()).isFalse();
        RateLimitExceededException zero = catchRateLimit(() -> b.acquire(Duration.ZERO));
        assertThat(zero.getRetryAfter()).isPositive().isLessThanOrEqualTo(per);
        RateLimitExceededException shortWait = catchRateLimit(() -> b.acquire(Duration.ofMillis(100)));
        assertThat(shortWait.getRetryAfter()).isPositive().isLessThanOrEqualTo(per);
        assertThat(b.timeUntilAvailable(1)).isPositive().isLessThanOrEqualTo(per);
        assertThat(b.timeUntilAvailable(5)).isPositive().isLessThanOrEqualTo(per);
        ExecutionException async = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> b.acquireAsync(Duration.ZERO).get(5, TimeUnit.SECONDS));
        assertThat(async.getCause()).isInstanceOf(RateLimitExceededException.class);
        assertThat(((RateLimitExceededException) async.getCause()).getRetryAfter()).isPositive().isLessThanOrEqualTo(per);
    }

    @Test
    void keyedBucketsLeaveNothingInRedisOnceIdle() throws Exception {
        RedisServer server = redis.server();
        Duration per = Duration.ofSeconds(2);
        RedissonClient client = clients.newClient();
        for (int k = 0; k < 50; k++) {
            RedisRateLimiter limiter = new RedisRateLimiter(client, RedisTestClients.settings("a"), "partner", "customer-" + k,
                    3, per, PrimitiveListener.NONE);
            assertThat(limiter.tryAcquire()).isTrue();
        }
        // Redisson keeps three keys per bucket: the rate, the tokens left, and the grants in the window.
        assertThat(server.command("DBSIZE")).isEqualTo(":150");
        for (String redisKey : List.of("test:{partner:customer-7}", "test:{partner:customer-7}:value",
                "test:{partner:customer-7}:permits")) {
            long ttl = Long.parseLong(server.command("PTTL", redisKey).substring(1));
            assertThat(ttl).as(redisKey).isPositive().isLessThanOrEqualTo(per.toMillis() + 1000);
        }

        // Asking leaves nothing behind: a full bucket is no key at all.
        RedisRateLimiter nobody = new RedisRateLimiter(client, RedisTestClients.settings("a"), "partner", "nobody", 3, per,
                PrimitiveListener.NONE);
        assertThat(nobody.timeUntilAvailable(1)).isZero();
        assertThat(nobody.availableTokens()).isEqualTo(3);
        assertThat(server.command("KEYS", "*nobody*")).isEmpty();
        // Reading a used bucket keeps its TTLs (Redisson's availablePermits() rewrites a key without one).
        RedisRateLimiter seven = new RedisRateLimiter(client, RedisTestClients.settings("a"), "partner", "customer-7", 3, per,
                PrimitiveListener.NONE);
        assertThat(seven.availableTokens()).isBetween(2, 3); // 3 once its grant has left the window
        assertThat(Long.parseLong(server.command("PTTL", "test:{partner:customer-7}:value").substring(1))).isPositive();

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!server.command("DBSIZE").equals(":0") && System.nanoTime() < deadline) {
            sleepMillis(50);
        }
        assertThat(server.command("DBSIZE")).isEqualTo(":0");
    }

    @Test
    void withdrawnWaitsTakeNothing() throws Exception {
        Duration per = Duration.ofSeconds(2);
        RecordingListener listener = new RecordingListener();
        RedisRateLimiter a = new RedisRateLimiter(clients.newClient(), RedisTestClients.settings("a"), "exports", null, 1, per,
                listener);
        RedisRateLimiter b = limiter("b", "exports", null, 1, per);
        assertThat(a.tryAcquire()).isTrue();

        // The head's Redis call keeps waiting after the cancel; when it gets the token (nobody else asks),
        // the token is released again. Its call ends by its 3s deadline: after that the token is free, while a
        // token kept by mistake would stay taken until 2s after it was granted (about 4s from now).
        CompletableFuture<Void> cancelled = a.acquireAsync(Duration.ofSeconds(3));
        awaitTrue(() -> a.snapshot().waiting() == 1);
        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(a.snapshot().waiting()).isZero();
        sleepMillis(3300);
        assertThat(b.availableTokens()).isEqualTo(1);

        assertThat(b.tryAcquire()).isTrue();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                a.acquire(Duration.ofSeconds(30));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        awaitTrue(() -> a.snapshot().waiting() == 1);
        waiter.interrupt();
        assertThat(waiter.join(Duration.ofSeconds(10))).isTrue();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(a.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
    }

    /** The caller withdraws a waiting call's future (cancel or completeExceptionally) but cannot complete it. */
    @Test
    void aWaitingCallsFutureCanBeWithdrawnButNotCompleted() throws Exception {
        RecordingListener listener = new RecordingListener();
        RedisRateLimiter a = new RedisRateLimiter(clients.newClient(), RedisTestClients.settings("a"), "withdrawable", null, 1,
                Duration.ofHours(1), listener);
        assertThat(a.tryAcquire()).isTrue();

        CompletableFuture<Void> failed = a.acquireAsync(Duration.ofSeconds(30));
        awaitTrue(() -> a.snapshot().waiting() == 1);
        assertThatThrownBy(() -> failed.complete(null)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("by the rate limiter when the tokens are granted").hasMessageContaining("cancel() it");
        assertThat(failed).isNotDone();
        IllegalStateException mine = new IllegalStateException("the caller gave up");
        assertThat(failed.completeExceptionally(mine)).isTrue();
        assertThatThrownBy(() -> failed.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(mine);
        assertThat(a.snapshot().waiting()).as("the call is withdrawn, not just its future failed").isZero();
        assertThat(failed.cancel(false)).as("already failed").isFalse();

        CompletableFuture<Void> cancelled = a.acquireAsync(Duration.ofSeconds(30));
        awaitTrue(() -> a.snapshot().waiting() == 1);
        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(cancelled.cancel(false)).as("cancelled before").isTrue();
        assertThat(cancelled.completeExceptionally(mine)).isFalse();
        assertThat(a.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(2);
    }

    @Test
    void aBlockingWaitInACallbackOfItsOwnGrantIsRefusedButATryWorks() throws Exception {
        // Exhausted, so each async grant comes about a second later, from the timer thread, with the callback attached.
        RedisRateLimiter limiter = limiter("a", "nested", null, 1, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire()).isTrue();
        CompletableFuture<Boolean> tried = limiter.acquireAsync(Duration.ofSeconds(5)).thenApply(granted -> limiter.tryAcquire());
        assertThat(tried.get(10, TimeUnit.SECONDS)).isFalse(); // answered by Redis: the token was just taken
        CompletableFuture<Void> waited = limiter.acquireAsync(Duration.ofSeconds(5)).thenRun(() -> {
            try {
                limiter.acquire(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> waited.get(10, TimeUnit.SECONDS));
        assertThat(refused.getCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("signalbox-redis-timer");
    }

    @Test
    void localWaitersCostRedisOneScriptEach() throws Exception {
        RedisServer server = redis.server();
        RedisRateLimiter limiter = limiter("a", "burst", null, 100, Duration.ofSeconds(1));
        limiter.tryAcquire(); // loads the script
        server.command("CONFIG", "RESETSTAT");
        for (int i = 0; i < 20; i++) {
            limiter.tryAcquire();
        }
        double uncontended = RedisTestClients.commandsRun(server) / 20.0;
        double uncontendedScripts = scriptsRun(server) / 20.0;

        RedisRateLimiter crowded = limiter("b", "crowd", null, 100, Duration.ofSeconds(1));
        crowded.tryAcquire();
        server.command("CONFIG", "RESETSTAT");
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                await(start);
                try {
                    crowded.acquire(Duration.ofSeconds(20));
                    granted.incrementAndGet();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(30))).isTrue();
        }
        double contended = RedisTestClients.commandsRun(server) / 200.0;
        double contendedScripts = scriptsRun(server) / 200.0;

        // Only the head of the local queue asks Redis: a head either gets its token at once (one script) or
        // is told how long until the oldest grant leaves the window, sleeps that long and gets it (two).
        // Commands counted include those Redisson's scripts run inside Redis.
        assertThat(granted).hasValue(200);
        assertThat(uncontendedScripts).isEqualTo(1.0);
        assertThat(contendedScripts).isLessThanOrEqualTo(2.0);
        assertThat(contended).isLessThanOrEqualTo(2 * uncontended);
    }

    /** Round trips: the scripts Redis ran (EVAL or EVALSHA). */
    private static long scriptsRun(RedisServer server) {
        return server.commandCalls("evalsha") + server.commandCalls("eval");
    }

    @Test
    void reportsToItsListenerAsAClusterPrimitiveAndSnapshotsWithoutRedis() throws Exception {
        RecordingListener listener = new RecordingListener();
        RedisRateLimiter limiter = new RedisRateLimiter(clients.newClient(), RedisTestClients.settings("a"), "audit", null, 2,
                Duration.ofHours(1), listener);
        assertThat(limiter.tryAcquire()).isTrue();
        limiter.acquire(Duration.ZERO);
        assertThat(limiter.tryAcquire()).isFalse();
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(300))).isInstanceOf(RateLimitExceededException.class);

        assertThat(listener.arrivals()).isEqualTo(4);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(listener.reporters()).allMatch(p -> p == limiter && p.scope() == Scope.CLUSTER);

        RedisServer server = redis.server();
        server.command("CONFIG", "RESETSTAT");
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.snapshot().capacity()).isEqualTo(2);
            assertThat(limiter.isIdle()).isTrue();
        }
        assertThat(RedisTestClients.commandsRun(server)).isZero();
    }

    @Test
    void redisDownFailsWithinTheTimeoutAndServiceResumesAfterRestart() throws Exception {
        RedisServer server = redis.server();
        RecordingListener listener = new RecordingListener();
        RedisRateLimiter limiter = new RedisRateLimiter(clients.newClient(), RedisTestClients.settings("a"), "payments", "acct-1",
                10, Duration.ofSeconds(1), listener);
        assertThat(limiter.tryAcquire()).isTrue();

        server.kill();
        assertThatThrownBy(limiter::tryAcquire).isInstanceOf(GuardUnavailableException.class)
                .hasMessageContaining("rate limit 'payments'");
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(300))).isInstanceOf(GuardUnavailableException.class);
        ExecutionException async = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> limiter.acquireAsync(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS));
        assertThat(async.getCause()).isInstanceOf(GuardUnavailableException.class);
        assertThatThrownBy(() -> limiter.timeUntilAvailable(1)).isInstanceOf(GuardUnavailableException.class);
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(3);

        server.restart();
        awaitTrue(() -> {
            try {
                return limiter.tryAcquire();
            } catch (GuardUnavailableException stillReconnecting) {
                return false;
            }
        });
        assertThat(server.command("EXISTS", "test:{payments:acct-1}")).isEqualTo(":1");
    }

    @Test
    void localFallbackServesWhileRedisIsDownAndRedisTakesOverAgain() throws Exception {
        RedisServer server = redis.server();
        RecordingListener listener = new RecordingListener();
        RedisRateLimiter limiter = new RedisRateLimiter(clients.newClient(), RedisTestClients.fallbackSettings("a"), "sms",
                null, 2, Duration.ofHours(1), listener);
        assertThat(limiter.tryAcquire()).isTrue();

        server.kill();
        // The local bucket of the same shape starts full: two calls, then the limit.
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        assertThatThrownBy(() -> limiter.acquire(Duration.ZERO)).isInstanceOf(RateLimitExceededException.class);
        assertThat(limiter.availableTokens()).isZero();
        assertThat(listener.reporters()).allMatch(p -> p == limiter);
        assertThat(listener.waitsEnded()).isEqualTo(listener.arrivals());

        server.restart(); // empty: the cluster bucket is full again
        awaitTrue(() -> {
            limiter.tryAcquire();
            return server.command("EXISTS", "test:{sms}").equals(":1");
        });
    }

    @Test
    void rejectsLimitsRedisCannotCount() {
        RedissonClient client = clients.newClient();
        assertThatThrownBy(() -> new RedisRateLimiter(client, RedisTestClients.settings("a"), "x", null, 0, Duration.ofSeconds(1),
                null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new RedisRateLimiter(client, RedisTestClients.settings("a"), "x", null, 5,
                Duration.ofNanos(1_500_000), null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("milliseconds");
        RateLimiter ok = new RedisRateLimiter(client, RedisTestClients.settings("a"), "x", null, 7, Duration.ofSeconds(1), null);
        assertThatThrownBy(() -> ok.tryAcquire(8)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- helpers

    private interface Call {
        void run() throws Exception;
    }

    private static RateLimitExceededException catchRateLimit(Call call) throws Exception {
        try {
            call.run();
        } catch (RateLimitExceededException e) {
            return e;
        }
        throw new AssertionError("expected RateLimitExceededException");
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30s");
            }
            sleepMillis(20);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("start latch not released");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
