package dev.signalbox.redis;

import static dev.signalbox.redis.RedisRateLimiterTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.Durations;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServer;
import dev.signalbox.redis.testing.RedisServerExtension;
import dev.signalbox.testing.RecordingListener;

@Timeout(120)
class RedisBarrierTest {

    private static final Duration LONG = Duration.ofSeconds(30);

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

    private RedisBarrier barrier(String instance, String name, int parties) {
        return barrier(instance, name, parties, PrimitiveListener.NONE);
    }

    private RedisBarrier barrier(String instance, String name, int parties, PrimitiveListener listener) {
        return new RedisBarrier(clients.newClient(), RedisTestClients.settings(instance), name, parties, listener);
    }

    @Test
    void generationsTripWithPartiesSpreadAcrossInstances() throws Exception {
        int parties = 6;
        int rounds = 5;
        List<RedisBarrier> instances = List.of(barrier("a", "settlement", parties), barrier("b", "settlement", parties),
                barrier("c", "settlement", parties));
        int[][] indexes = new int[parties][rounds];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < parties; t++) {
            int party = t;
            RedisBarrier barrier = instances.get(t % 3);
            Runnable rounds5 = () -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        indexes[party][r] = party % 2 == 0 ? barrier.await(LONG) : barrier.awaitAsync(LONG).get(60, TimeUnit.SECONDS);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            };
            threads.add(t < 3 ? Thread.ofPlatform().start(rounds5) : Thread.ofVirtual().start(rounds5));
        }
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(90))).isTrue();
        }

        assertThat(failure.get()).isNull();
        for (int r = 0; r < rounds; r++) {
            Set<Integer> round = new HashSet<>();
            for (int p = 0; p < parties; p++) {
                round.add(indexes[p][r]);
            }
            assertThat(round).as("arrival indexes of generation %d", r).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        }
        assertThat(instances).allMatch(b -> b.snapshot().waiting() == 0 && b.scope() == Scope.CLUSTER);
    }

    @Test
    void aTimeoutOnOneInstanceBreaksTheWaitersOnAnother() throws Exception {
        RecordingListener onA = new RecordingListener();
        RecordingListener onB = new RecordingListener();
        RedisBarrier a = barrier("a", "close-of-day", 4, onA);
        RedisBarrier b = barrier("b", "close-of-day", 4, onB);
        RedisBarrier c = barrier("c", "close-of-day", 4);

        AtomicReference<Throwable> blocked = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                a.await(LONG);
            } catch (Throwable t) {
                blocked.set(t);
            }
        });
        awaitTrue(() -> a.snapshot().waiting() == 1);
        CompletableFuture<Integer> asyncOnA = a.awaitAsync(LONG);
        awaitTrue(() -> a.snapshot().waiting() == 2);
        assertThat(c.waiting()).isEqualTo(2);

        assertThatThrownBy(() -> b.await(Duration.ofMillis(200))).isInstanceOf(BarrierBrokenException.class)
                .hasMessageContaining("timed out after 200ms (instance b)");
        assertThat(waiter.join(Duration.ofSeconds(10))).isTrue();
        assertThat(blocked.get()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("timed out");
        ExecutionException async = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> asyncOnA.get(10, TimeUnit.SECONDS));
        assertThat(async.getCause()).isInstanceOf(BarrierBrokenException.class);
        assertThat(onA.count(Outcome.BROKEN)).isEqualTo(2);
        assertThat(onB.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(a.snapshot().waiting()).isZero();

        // The next generation starts fresh and trips across the three instances.
        CompletableFuture<Integer> first = a.awaitAsync(LONG);
        CompletableFuture<Integer> second = b.awaitAsync(LONG);
        CompletableFuture<Integer> third = c.awaitAsync(LONG);
        int fourth = c.await(LONG);
        assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS), third.get(10, TimeUnit.SECONDS),
                fourth)).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void abortAndCancelBreakTheGenerationEverywhere() throws Exception {
        RedisBarrier a = barrier("a", "reconcile", 3);
        RedisBarrier b = barrier("b", "reconcile", 3);

        CompletableFuture<Integer> waiting = a.awaitAsync(LONG);
        awaitTrue(() -> a.snapshot().waiting() == 1);
        b.abort();
        ExecutionException aborted = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> waiting.get(10, TimeUnit.SECONDS));
        assertThat(aborted.getCause()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("aborted (instance b)");
        assertThat(a.isBroken()).as("an abort on b leaves the barrier broken on a too").isTrue();
        b.abort(); // already broken: nothing more happens
        assertThat(b.waiting()).isZero();
        ExecutionException stillBroken = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> a.awaitAsync(LONG).get(10, TimeUnit.SECONDS));
        assertThat(stillBroken.getCause()).isInstanceOf(BarrierBrokenException.class)
                .hasMessageContaining("aborted (instance b)").hasMessageContaining("reset()");
        a.reset();
        assertThat(b.isBroken()).as("a reset on a makes the barrier usable on b too").isFalse();

        CompletableFuture<Integer> onA = a.awaitAsync(LONG, Barrier.GiveUp.BREAK_GENERATION);
        CompletableFuture<Integer> onB = b.awaitAsync(LONG, Barrier.GiveUp.BREAK_GENERATION);
        awaitTrue(() -> a.snapshot().waiting() == 1 && b.snapshot().waiting() == 1);
        assertThat(onB.cancel(false)).isTrue();
        ExecutionException cancelled = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> onA.get(10, TimeUnit.SECONDS));
        assertThat(cancelled.getCause()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("cancelled");
        assertThat(onB.isCancelled()).isTrue();
    }

    /**
     * A cancel waits for Redis' answer to its break, except on the timer thread (a callback of another
     * cluster primitive's future), which must not wait for Redis: there it returns true at once, and
     * the break follows.
     */
    @Test
    void aCancelOnTheTimerThreadReturnsAtOnceAndTheBreakFollows() throws Exception {
        RedisBarrier a = barrier("a", "timer-cancel", 2);
        RedisBarrier other = barrier("a", "timer-cancel-trigger", 2);
        CompletableFuture<Integer> waiting = a.awaitAsync(LONG);
        awaitTrue(() -> a.waiting() == 1);
        AtomicReference<String> thread = new AtomicReference<>();
        CompletableFuture<Boolean> cancelled = other.awaitAsync(LONG).thenApply(index -> {
            thread.set(Thread.currentThread().getName());
            return waiting.cancel(false);
        });
        awaitTrue(() -> other.waiting() == 1); // the async trigger counted first, so the blocking one below is index 1
        assertThat(other.await(LONG)).isEqualTo(1); // releases the trigger, whose callback cancels on the timer thread
        assertThat(cancelled.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(thread.get()).isEqualTo("signalbox-redis-timer");
        assertThat(waiting.isCancelled()).isTrue();
        awaitTrue(() -> a.waiting() == 0);
        CompletableFuture<Integer> next = a.awaitAsync(LONG);
        awaitTrue(() -> a.waiting() == 1);
        assertThat(a.await(LONG)).as("the cancelled party is not counted in the next generation").isEqualTo(1);
        assertThat(next.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aZeroTimeoutCompletesOrBreaks() throws Exception {
        RedisBarrier a = barrier("a", "handoff", 2);
        RedisBarrier b = barrier("b", "handoff", 2);
        assertThatThrownBy(() -> a.await(Duration.ZERO)).isInstanceOf(BarrierBrokenException.class)
                .hasMessageContaining("would not wait");
        assertThat(a.waiting()).isZero();

        CompletableFuture<Integer> first = a.awaitAsync(LONG);
        awaitTrue(() -> a.snapshot().waiting() == 1);
        assertThat(b.await(Duration.ZERO)).isEqualTo(1);
        assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void interruptedPartyBreaksItsGeneration() throws Exception {
        RedisBarrier a = barrier("a", "interrupts", 3);
        RedisBarrier b = barrier("b", "interrupts", 3);
        CompletableFuture<Integer> onB = b.awaitAsync(LONG);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                a.await(LONG);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        awaitTrue(() -> a.snapshot().waiting() == 1 && b.snapshot().waiting() == 1);
        waiter.interrupt();
        assertThat(waiter.join(Duration.ofSeconds(10))).isTrue();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        ExecutionException broken = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> onB.get(10, TimeUnit.SECONDS));
        assertThat(broken.getCause()).hasMessageContaining("interrupted");
    }

    @Test
    void stateExpiresOneLeaseAfterLastUse() throws Exception {
        RedisServer server = redis.server();
        RedisBarrier a = barrier("a", "expiring", 2);
        RedisBarrier b = barrier("b", "expiring", 2);
        CompletableFuture<Integer> first = a.awaitAsync(LONG);
        b.await(LONG);
        first.get(10, TimeUnit.SECONDS);
        long ttl = Long.parseLong(server.command("PTTL", "test:expiring").substring(1));
        assertThat(ttl).isPositive().isLessThanOrEqualTo(1000);
        awaitTrue(() -> server.command("DBSIZE").equals(":0"));
    }

    @Test
    void partiesMustAgreeAcrossInstances() throws Exception {
        RedisBarrier three = barrier("a", "mismatch", 3);
        RedisBarrier four = barrier("b", "mismatch", 4);
        CompletableFuture<Integer> waiting = three.awaitAsync(LONG);
        awaitTrue(() -> three.snapshot().waiting() == 1);
        assertThatThrownBy(() -> four.await(LONG)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 3 parties in Redis").hasMessageContaining("this instance says 4");
        three.abort();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(BarrierBrokenException.class);
    }

    @Test
    void aPartyWhoseInstanceDiesBreaksItsGenerationWithinALeaseOnTheOtherInstances() throws Exception {
        RedisBarrier a = barrier("a", "crash-while-waiting", 3);
        org.redisson.api.RedissonClient doomedClient = clients.newClient();
        RedisBarrier doomed = new RedisBarrier(doomedClient, RedisTestClients.settings("doomed"), "crash-while-waiting", 3,
                PrimitiveListener.NONE);
        doomed.awaitAsync(LONG);
        awaitTrue(() -> a.waiting() == 1);
        CompletableFuture<Integer> waiting = a.awaitAsync(LONG);
        awaitTrue(() -> a.waiting() == 2);

        doomedClient.shutdown(0, 0, TimeUnit.SECONDS); // its process dies: its party can no longer give up or renew

        // Not the 30s timeout: the dead party's arrival lapses after one lease (1s here), and a's next check breaks it.
        ExecutionException broken = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> waiting.get(15, TimeUnit.SECONDS));
        assertThat(broken.getCause()).isInstanceOf(BarrierBrokenException.class)
                .hasMessageContaining("instance 'doomed' stopped renewing its arrival");
        assertThat(a.waiting()).isZero();

        // The barrier goes on with the live instances.
        RedisBarrier b = barrier("b", "crash-while-waiting", 3);
        CompletableFuture<Integer> first = a.awaitAsync(LONG);
        CompletableFuture<Integer> second = b.awaitAsync(LONG);
        int third = b.await(LONG);
        assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS), third))
                .containsExactlyInAnyOrder(0, 1, 2);
    }

    /**
     * A withdrawing async party on one instance leaves only itself: the parties on the other instance keep
     * waiting, and the release hands out indices in arrival order without the withdrawn one's number.
     */
    @Test
    void aPartyWithdrawnOnOneInstanceLeavesTheOthersWaitingAndTheIndicesCloseUp() throws Exception {
        RedisBarrier a = barrier("a", "withdraw-across", 3);
        RedisBarrier b = barrier("b", "withdraw-across", 3);
        CompletableFuture<Integer> withdrawn = a.awaitAsync(LONG); // arrival 0
        awaitTrue(() -> b.waiting() == 1);
        CompletableFuture<Integer> first = b.awaitAsync(LONG); // arrival 1
        awaitTrue(() -> b.waiting() == 2);

        assertThat(withdrawn.cancel(false)).isTrue();

        assertThat(withdrawn.isCancelled()).isTrue();
        assertThat(b.waiting()).as("the cancel returned after Redis took the party out").isEqualTo(1);
        assertThat(first).isNotDone();
        CompletableFuture<Integer> second = b.awaitAsync(LONG); // arrival 2
        awaitTrue(() -> b.waiting() == 2);
        int last = a.await(LONG);
        assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS), last))
                .as("arrival order, no gap where the withdrawn party was").containsExactly(0, 1, 2);
    }

    /** An instance whose only party withdrew no longer counts in the generation: its death later breaks nothing. */
    @Test
    void anInstanceWhoseLastPartyWithdrewDoesNotBreakTheGenerationWhenItDies() throws Exception {
        RedisBarrier b = barrier("b", "withdraw-then-die", 3);
        org.redisson.api.RedissonClient doomedClient = clients.newClient();
        RedisBarrier doomed = new RedisBarrier(doomedClient, RedisTestClients.settings("doomed"), "withdraw-then-die", 3,
                PrimitiveListener.NONE);
        CompletableFuture<Integer> first = b.awaitAsync(LONG);
        awaitTrue(() -> b.waiting() == 1);
        CompletableFuture<Integer> leaving = doomed.awaitAsync(LONG);
        awaitTrue(() -> b.waiting() == 2);
        assertThat(leaving.cancel(false)).isTrue();
        doomedClient.shutdown(0, 0, TimeUnit.SECONDS);

        // Three leases (1s each here): a lapsed arrival of 'doomed' would have broken the generation by now.
        Thread.sleep(3_500);
        assertThat(first).isNotDone();
        CompletableFuture<Integer> second = b.awaitAsync(LONG);
        awaitTrue(() -> b.waiting() == 2);
        int last = b.await(LONG);
        assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS), last)).containsExactly(0, 1, 2);
    }

    @Test
    void aLivePartyKeepsItsArrivalFreshWhileItWaitsManyLeases() throws Exception {
        RedisBarrier a = barrier("a", "long-wait", 2);
        CompletableFuture<Integer> waiting = a.awaitAsync(LONG);
        awaitTrue(() -> a.snapshot().waiting() == 1);
        // Three leases (1s each here): a's checks renew its arrival, so the arrival below finds it alive and releases both.
        Thread.sleep(3_500);
        assertThat(waiting).isNotDone();
        RedisBarrier b = barrier("b", "long-wait", 2);
        int second = b.await(LONG);
        assertThat(List.of(waiting.get(10, TimeUnit.SECONDS), second)).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void redisDownFailsWithinTheTimeoutAndWaitersLearnTheirGenerationWasLost() throws Exception {
        RedisServer server = redis.server();
        RedisBarrier a = barrier("a", "outage", 2);
        RedisBarrier b = barrier("b", "outage", 2);
        CompletableFuture<Integer> waiting = a.awaitAsync(Durations.FOREVER);
        awaitTrue(() -> a.snapshot().waiting() == 1);

        server.kill();
        assertThatThrownBy(() -> b.await(Duration.ofMillis(300))).isInstanceOf(GuardUnavailableException.class)
                .hasMessageContaining("barrier 'outage'");
        ExecutionException async = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> b.awaitAsync(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS));
        assertThat(async.getCause()).isInstanceOf(GuardUnavailableException.class);
        assertThat(waiting).isNotDone();

        server.restart(); // empty: the waiting generation is gone
        ExecutionException lost = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> waiting.get(30, TimeUnit.SECONDS));
        assertThat(lost.getCause()).isInstanceOf(BarrierBrokenException.class).hasMessageContaining("lost");

        awaitTrue(() -> {
            try {
                CompletableFuture<Integer> first = a.awaitAsync(Duration.ofSeconds(5));
                int second = b.await(Duration.ofSeconds(5));
                return second + first.get(10, TimeUnit.SECONDS) == 1;
            } catch (GuardUnavailableException | BarrierBrokenException | ExecutionException stillReconnecting) {
                return false;
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void localFallbackTripsOnThisInstanceWhileRedisIsDown() throws Exception {
        RedisServer server = redis.server();
        RecordingListener listener = new RecordingListener();
        RedisBarrier barrier = new RedisBarrier(clients.newClient(), RedisTestClients.fallbackSettings("a"), "nightly", 2, listener);
        server.kill();

        CompletableFuture<Integer> first = barrier.awaitAsync(LONG);
        int second = barrier.await(LONG);
        assertThat(List.of(first.get(10, TimeUnit.SECONDS), second)).containsExactlyInAnyOrder(0, 1);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
        assertThat(listener.arrivals()).isEqualTo(2);
        assertThat(listener.reporters()).allMatch(p -> p == barrier);

        server.restart();
        awaitTrue(() -> {
            try {
                barrier.await(Duration.ZERO);
            } catch (BarrierBrokenException | InterruptedException brokenEitherWay) {
                // a lone zero-timeout arrival breaks its generation, locally or in Redis
            }
            return server.command("EXISTS", "test:nightly").equals(":1");
        });
    }
}
