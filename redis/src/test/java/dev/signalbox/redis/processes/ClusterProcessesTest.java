package dev.signalbox.redis.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.signalbox.redis.testing.RedisServer;
import dev.signalbox.redis.testing.RedisServerExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster scope across real processes: several JVMs of {@link ClusterApp} against one Redis of the
 * test's own, which the tests also kill, pause and restart.
 */
@Timeout(240)
class ClusterProcessesTest {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String LEASE = "--signalbox.redis.lease=2s";

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private final List<AppProcess> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(AppProcess::close);
    }

    @Test
    void threeProcessesNeverLoseAnIncrementUnderAClusterLock() {
        int threads = 4;
        int iterations = 150;
        for (int i = 1; i <= 3; i++) {
            start("increment-" + i, "increment", "--threads=" + threads, "--iterations=" + iterations);
        }
        processes.forEach(p -> p.awaitLine("DONE", START.plusSeconds(90)));
        assertThat(server().command("GET", "counter")).isEqualTo(String.valueOf(3 * threads * iterations));
    }

    @Test
    void clusterPermitsAreNeverExceededAcrossProcesses() {
        for (int i = 1; i <= 3; i++) {
            start("pool-" + i, "permits", "--threads=5", "--iterations=40");
        }
        processes.forEach(p -> p.awaitLine("DONE", START.plusSeconds(90)));
        assertThat(Integer.parseInt(server().command("GET", "max-inside"))).isBetween(1, 3);
        assertThat(server().command("GET", "inside")).isEqualTo("0");
    }

    @Test
    void clusterReadWriteLocksKeepReadersFromTornWritesAcrossProcesses() {
        for (int i = 1; i <= 3; i++) {
            start("ledger-" + i, "read-write", "--threads=4", "--iterations=45");
        }
        long writes = 0;
        for (AppProcess process : processes) {
            Map<String, Long> done = parse(process.awaitLine("DONE", START.plusSeconds(90)));
            assertThat(done.get("torn")).as("reads that saw a write half done").isZero();
            assertThat(done.get("reads")).isPositive();
            writes += done.get("writes");
        }
        // Two keys of one guard name: each book's writes were excluded from each other, across processes.
        long debitA = Long.parseLong(server().command("GET", "book-a:debit"));
        long debitB = Long.parseLong(server().command("GET", "book-b:debit"));
        assertThat(debitA + debitB).isEqualTo(writes);
        assertThat(server().command("GET", "book-a:credit")).isEqualTo(String.valueOf(debitA));
        assertThat(server().command("GET", "book-b:credit")).isEqualTo(String.valueOf(debitB));
    }

    @Test
    void clusterRateLimitHoldsAcrossProcesses() {
        // 10 per second shared by three processes; locally scoped, each would admit that much on its own.
        for (int i = 1; i <= 3; i++) {
            start("api-" + i, "rate-limit", "--threads=2", "--run-for=4s");
        }
        processes.forEach(p -> p.awaitLine("DONE", START.plusSeconds(30)));
        List<Long> admitted = Arrays.stream(server().command("LRANGE", "admitted", "0", "-1").split("\n"))
                .filter(s -> !s.isBlank()).map(Long::parseLong).sorted().toList();
        long spanMillis = admitted.getLast() - admitted.getFirst();
        // A bucket of 10 refilled at 10 per second admits at most 10 + 10 per elapsed second (+1 for rounding).
        assertThat(admitted.size()).as("admitted over %d ms", spanMillis).isLessThanOrEqualTo(10 + (int) (10 * spanMillis / 1000) + 1);
        for (int i = 0; i < admitted.size(); i++) {
            long from = admitted.get(i);
            long inOneSecond = admitted.stream().filter(t -> t >= from && t < from + 1000).count();
            assertThat(inOneSecond).as("admitted in the second from %d", from).isLessThanOrEqualTo(20);
        }
        assertThat(admitted.size()).as("the limiter admitted something").isGreaterThanOrEqualTo(10);
    }

    @Test
    void aKilledHolderFreesTheClusterLockWithinOneLease() {
        AppProcess holder = start("holder", "hold", LEASE);
        long holderToken = Long.parseLong(holder.awaitLine("HOLDING", START));
        AppProcess waiter = start("waiter", "acquire", LEASE);
        waiter.awaitLine("STARTED", START);

        long killedAt = System.nanoTime();
        holder.kill9();
        long waiterToken = Long.parseLong(waiter.awaitLine("ACQUIRED", Duration.ofSeconds(30)));
        Duration freedAfter = Duration.ofNanos(System.nanoTime() - killedAt);

        assertThat(freedAfter).as("the lease is 2s; a crashed holder frees the lock within it (plus scheduling slack)")
                .isLessThan(Duration.ofSeconds(6));
        assertThat(waiterToken).isGreaterThan(holderToken);
        assertThat(waiter.awaitLine("WRITE", Duration.ofSeconds(10))).isEqualTo("accepted");
        server().command("SET", "finish", "1");
        assertThat(waiter.awaitLine("FINAL", Duration.ofSeconds(10))).startsWith("lost=0.0 write=accepted");
        waiter.awaitLine("RELEASED", Duration.ofSeconds(10));
    }

    @Test
    void aPausedHolderLosesItsLeaseAndIsFencedOffByTheNextHolder() throws InterruptedException {
        AppProcess stale = start("stale", "hold", LEASE);
        long staleToken = Long.parseLong(stale.awaitLine("HOLDING", START));
        stale.pause();

        AppProcess next = start("next", "acquire", LEASE);
        long nextToken = Long.parseLong(next.awaitLine("ACQUIRED", START));
        assertThat(nextToken).isGreaterThan(staleToken);
        assertThat(next.awaitLine("WRITE", Duration.ofSeconds(10))).isEqualTo("accepted");

        stale.resume();
        assertThat(stale.awaitLine("LOST", Duration.ofSeconds(20))).as("the paused holder learns its lease is gone").isEqualTo("true");
        assertThat(stale.awaitLine("WRITE", Duration.ofSeconds(10))).as("its write carries a superseded token").isEqualTo("rejected");
        stale.awaitLine("RELEASED", Duration.ofSeconds(10));

        // Two leases after the stale holder's release, the new holder must still hold: that release freed nothing of its.
        Thread.sleep(4_000);
        server().command("SET", "finish", "1");
        assertThat(next.awaitLine("FINAL", Duration.ofSeconds(10))).isEqualTo("lost=0.0 write=accepted");
        next.awaitLine("RELEASED", Duration.ofSeconds(10));
    }

    /**
     * A holder stopped (SIGSTOP) past its lease while another process takes the lock, then resumed
     * (SIGCONT): its guarded method returns at once, and by then the lease is already counted lost
     * (closing the hold checks the lease on the local clock, without a round trip).
     */
    @Test
    void aHolderPausedPastItsLeaseKnowsItLostTheLeaseWhenItsMethodReturns() throws InterruptedException {
        AppProcess brief = start("brief", "hold-briefly", LEASE);
        long briefToken = Long.parseLong(brief.awaitLine("HOLDING", START));
        brief.pause();

        AppProcess next = start("next", "acquire", LEASE);
        assertThat(Long.parseLong(next.awaitLine("ACQUIRED", START))).isGreaterThan(briefToken);
        brief.resume();
        assertThat(brief.awaitLine("RETURNED", Duration.ofSeconds(20)))
                .as("the lease lost while paused is counted before the guarded method's caller gets control back")
                .isEqualTo("lost=1.0");

        server().command("SET", "finish", "1");
        assertThat(next.awaitLine("FINAL", Duration.ofSeconds(10))).isEqualTo("lost=0.0 write=accepted");
        next.awaitLine("RELEASED", Duration.ofSeconds(10));
    }

    @Test
    void threeProcessesPassTheClusterBarrierTogether() {
        server().command("DEL", "signalbox:settlement"); // another test's generation, if its state has not expired yet
        List<AppProcess> parties = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            parties.add(start("party-" + i, "settle", LEASE));
        }
        for (AppProcess party : parties) {
            assertThat(party.awaitLine("SETTLED", START.plusSeconds(30))).isEmpty();
        }
        // One generation, released with all three (a generation decided early, with fewer, would have made more).
        assertThat(server().command("HGET", "signalbox:settlement", "seq")).isEqualTo("1");
    }

    @Test
    void aKilledPartyBreaksItsBarrierGenerationForTheOtherProcessesWithinOneLease() {
        server().command("DEL", "signalbox:settlement");
        AppProcess doomed = start("doomed", "settle", LEASE);
        AppProcess survivor = start("survivor", "settle", LEASE);
        doomed.awaitLine("ARRIVING", START);
        survivor.awaitLine("ARRIVING", START);
        awaitArrivals(2);

        doomed.kill9();
        // Two of three parties: without the dead party's arrival lapsing (lease 2s), the survivor would wait out its 60s timeout.
        String verdict = survivor.awaitLine("BROKEN", Duration.ofSeconds(30));
        assertThat(verdict).contains("instance 'doomed' stopped renewing its arrival");
        assertThat(server().command("HGET", "signalbox:settlement", "arrived")).isEqualTo("0");
    }

    private void awaitArrivals(int arrived) {
        long deadline = System.nanoTime() + START.toNanos();
        while (!String.valueOf(arrived).equals(server().command("HGET", "signalbox:settlement", "arrived"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + arrived + " arrivals at the barrier; output:\n"
                        + processes.stream().map(AppProcess::output).collect(Collectors.joining("\n")));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void redisOutageFailsCallsWithinTheirTimeoutAndServiceResumesByItself() throws InterruptedException {
        AppProcess app = start("steady", "outage", "--threads=2", "--run-for=25s", LEASE);
        long okBefore = awaitStats(app, s -> s.get("ok") > 0).get("ok");

        server().stop();
        Map<String, Long> during = awaitStats(app, s -> s.get("unavailable") > 0);
        assertThat(during.get("unavailable")).isPositive();
        Thread.sleep(2_000);
        long okAtRestart = awaitStats(app, s -> true).get("ok");
        server().restart();

        awaitStats(app, s -> s.get("ok") > okAtRestart);
        Map<String, Long> done = parse(app.awaitLine("DONE", Duration.ofSeconds(60)));
        assertThat(done.get("ok")).isGreaterThan(okBefore);
        assertThat(done.get("other")).as("failures other than GuardUnavailableException; output:%n%s", app.output()).isZero();
        assertThat(done.get("maxMillis")).as("no call outlives its 1s timeout by much").isLessThan(3_000);
    }

    private Map<String, Long> awaitStats(AppProcess app, java.util.function.Predicate<Map<String, Long>> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Long> stats = parse(app.awaitLine("STATS", START));
            if (condition.test(stats)) {
                return stats;
            }
        }
        throw new AssertionError("the condition on STATS never held; output:\n" + app.output());
    }

    private static Map<String, Long> parse(String line) {
        return Arrays.stream(line.split(" ")).map(pair -> pair.split("="))
                .collect(Collectors.toMap(kv -> kv[0], kv -> Long.parseLong(kv[1])));
    }

    private AppProcess start(String name, String scenario, String... args) {
        AppProcess process = AppProcess.start(name, server().port(), scenario, args);
        processes.add(process);
        return process;
    }

    private static RedisServer server() {
        return redis.server();
    }
}
