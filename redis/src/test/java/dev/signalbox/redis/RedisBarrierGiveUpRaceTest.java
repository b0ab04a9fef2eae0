package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.Barrier;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.testing.RedisServerExtension;

/**
 * A party that gives up (its timeout runs out, its thread is interrupted) at the moment the last party
 * arrives on another instance: the generation is released whole (the party that gave up too, with its
 * index) or broken for both, never released for one and broken for the other. The last arrival has a
 * zero timeout, so it completes the generation or, when the give-up came first, breaks a fresh one.
 * These parties break on give-up ({@link Barrier.GiveUp#BREAK_GENERATION}, a blocking party's rule); the
 * last case races a withdrawing party's timeout instead: released whole, or both left uncounted.
 */
@Timeout(180)
class RedisBarrierGiveUpRaceTest {

    private static final int ROUNDS = 150;
    /** Spread of the last arrival around the give-up. */
    private static final long SPREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private RedisTestClients clients;
    private RedisBarrier a;
    private RedisBarrier b;

    @BeforeEach
    void barriers() {
        clients = new RedisTestClients(redis.server());
    }

    @AfterEach
    void close() {
        clients.close();
    }

    /** Two instances' barriers, subscribed and with their scripts loaded (one generation released). */
    private void barriers(String name) throws Exception {
        a = new RedisBarrier(clients.newClient(), RedisTestClients.settings("a"), name, 2, PrimitiveListener.NONE);
        b = new RedisBarrier(clients.newClient(), RedisTestClients.settings("b"), name, 2, PrimitiveListener.NONE);
        CompletableFuture<Integer> first = a.awaitAsync(Duration.ofSeconds(10));
        b.await(Duration.ofSeconds(10));
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTimeoutRacingTheLastArrivalReleasesBothOrBreaksBoth() throws Exception {
        barriers("timeout-race");
        Duration timeout = Duration.ofMillis(100);
        int released = 0;
        int broken = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            CompletableFuture<Integer> first = a.awaitAsync(timeout, Barrier.GiveUp.BREAK_GENERATION);
            sleepUntil(start + timeout.toNanos() - SPREAD_NANOS + ThreadLocalRandom.current().nextLong(2 * SPREAD_NANOS));
            CompletableFuture<Integer> last = b.awaitAsync(Duration.ZERO, Barrier.GiveUp.BREAK_GENERATION);
            Integer firstIndex = indexOrNullIfBroken(first);
            Integer lastIndex = indexOrNullIfBroken(last);
            if (firstIndex != null || lastIndex != null) {
                assertThat(new Integer[] {firstIndex, lastIndex}).as("round %d: released whole", round).containsExactly(0, 1);
                released++;
            } else {
                broken++;
            }
        }
        assertThat(released).as("rounds released").isPositive();
        assertThat(broken).as("rounds broken").isPositive();
        assertThat(a.snapshot().waiting()).isZero();
    }

    @Test
    void anInterruptRacingTheLastArrivalReleasesBothOrBreaksBoth() throws Exception {
        barriers("interrupt-race");
        int released = 0;
        int broken = 0;
        for (int round = 0; round < ROUNDS; round++) {
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread first = Thread.ofPlatform().start(() -> {
                try {
                    outcome.set(a.await(Duration.ofSeconds(30)));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (a.snapshot().waiting() == 0) {
                assertThat(System.nanoTime()).as("round %d: the first party waits", round).isLessThan(deadline);
                Thread.onSpinWait();
            }
            CompletableFuture<Integer> last;
            if (round % 10 == 0) {
                // Every tenth round the interrupt comes first, for sure: on a quick machine the last
                // arrival's round trip nearly always beats the spread, and the break side must be seen too.
                first.interrupt();
                assertThat(first.join(Duration.ofSeconds(10))).as("round %d: the first party returns", round).isTrue();
                last = b.awaitAsync(Duration.ZERO, Barrier.GiveUp.BREAK_GENERATION);
            } else {
                last = b.awaitAsync(Duration.ZERO, Barrier.GiveUp.BREAK_GENERATION);
                sleepUntil(System.nanoTime() + ThreadLocalRandom.current().nextLong(SPREAD_NANOS));
                first.interrupt();
                assertThat(first.join(Duration.ofSeconds(10))).as("round %d: the first party returns", round).isTrue();
            }
            Integer lastIndex = indexOrNullIfBroken(last);
            if (outcome.get() instanceof Integer firstIndex) {
                assertThat(new Integer[] {firstIndex, lastIndex}).as("round %d: released whole", round).containsExactly(0, 1);
                released++;
            } else {
                assertThat(outcome.get()).as("round %d", round).isInstanceOf(InterruptedException.class);
                assertThat(lastIndex).as("round %d: broken for the last party too", round).isNull();
                broken++;
            }
        }
        assertThat(released).as("rounds released").isPositive();
        assertThat(broken).as("rounds broken").isPositive();
        assertThat(a.snapshot().waiting()).isZero();
    }

    /**
     * A withdrawing party's timeout meeting the last (zero-timeout, withdrawing) arrival on another
     * instance: released whole, or the first withdrew with {@link GuardTimeoutException} and the last,
     * finding the generation empty, was not counted; never a release with one party, never a party
     * left counted.
     */
    @Test
    void aWithdrawingTimeoutRacingTheLastArrivalReleasesBothOrLeavesBothUncounted() throws Exception {
        barriers("withdraw-timeout-race");
        Duration timeout = Duration.ofMillis(100);
        int released = 0;
        int withdrawn = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            CompletableFuture<Integer> first = a.awaitAsync(timeout);
            sleepUntil(start + timeout.toNanos() - SPREAD_NANOS + ThreadLocalRandom.current().nextLong(2 * SPREAD_NANOS));
            CompletableFuture<Integer> last = b.awaitAsync(Duration.ZERO);
            Integer firstIndex = indexOrNullIfTimedOut(first);
            Integer lastIndex = indexOrNullIfTimedOut(last);
            if (firstIndex != null || lastIndex != null) {
                assertThat(new Integer[] {firstIndex, lastIndex}).as("round %d: released whole", round).containsExactly(0, 1);
                released++;
            } else {
                withdrawn++;
            }
            assertThat(b.waiting()).as("round %d: nobody left counted", round).isZero();
        }
        assertThat(released).as("rounds released").isPositive();
        assertThat(withdrawn).as("rounds withdrawn").isPositive();
        assertThat(a.snapshot().waiting()).isZero();
    }

    /** The party's index once released, or null when it gave up with GuardTimeoutException; every wait bounded. */
    private static Integer indexOrNullIfTimedOut(CompletableFuture<Integer> party) throws Exception {
        try {
            return party.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(GuardTimeoutException.class);
            return null;
        }
    }

    /** The party's index once released, or null when its generation broke; every wait bounded. */
    private static Integer indexOrNullIfBroken(CompletableFuture<Integer> party) throws Exception {
        try {
            return party.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BarrierBrokenException.class);
            return null;
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            if (left > 2_000_000L) {
                Thread.sleep(Duration.ofNanos(left - 1_000_000L));
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
