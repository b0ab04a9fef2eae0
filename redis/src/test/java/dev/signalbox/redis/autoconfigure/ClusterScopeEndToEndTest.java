package dev.signalbox.redis.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.autoconfigure.SignalboxEndpoint;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.GuardContext;
import dev.signalbox.core.RateLimitExceededException;
import dev.signalbox.redis.testing.RedisServerExtension;
import dev.signalbox.testing.Threads.Flavor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static dev.signalbox.testing.Threads.runConcurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two application contexts (two "instances", each with its own Signalbox, Redisson client and local
 * queues) against one redis-server: only Redis can keep them apart, so these tests fail if the
 * cluster scope does not reach it.
 */
@Timeout(120)
class ClusterScopeEndToEndTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    /** Shared by both instances, unsynchronized: only the cluster guard keeps its updates from being lost. */
    static final long[] SHARED = new long[1];

    private ApplicationContextRunner instance(String id) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class, SignalboxRedisAutoConfiguration.class,
                        EndpointAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.host=" + redis.server().host(),
                        "spring.data.redis.port=" + redis.server().port(), "signalbox.redis.instance-id=" + id,
                        "management.endpoints.web.exposure.include=signalbox")
                .withBean(Ledger.class);
    }

    /** Runs {@code body} with two instances up at once. */
    private void withTwoInstances(TwoInstances body) {
        instance("instance-a").run(a -> instance("instance-b").run(b -> body.run(a, b)));
    }

    @FunctionalInterface
    interface TwoInstances {
        void run(ApplicationContext a, ApplicationContext b) throws Exception;
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aClusterGuardExcludesCallersOfBothInstancesExactly(Flavor flavor) {
        int threadsPerInstance = flavor == Flavor.PLATFORM ? 6 : 24;
        int iterations = flavor == Flavor.PLATFORM ? 60 : 15;
        withTwoInstances((a, b) -> {
            SHARED[0] = 0;
            List<Ledger> ledgers = List.of(a.getBean(Ledger.class), b.getBean(Ledger.class));
            runConcurrently(flavor, 2 * threadsPerInstance, index -> {
                Ledger ledger = ledgers.get(index % 2);
                for (int i = 0; i < iterations; i++) {
                    ledger.increment();
                }
            });
            assertThat(SHARED[0]).isEqualTo(2L * threadsPerInstance * iterations);
        });
    }

    @Test
    void twoInstancesNamingTwoKeysInOppositeOrdersNeverDeadlock() {
        withTwoInstances((a, b) -> {
            SHARED[0] = 0;
            List<Ledger> ledgers = List.of(a.getBean(Ledger.class), b.getBean(Ledger.class));
            runConcurrently(Flavor.VIRTUAL, 16, index -> {
                Ledger ledger = ledgers.get(index % 2);
                for (int i = 0; i < 15; i++) {
                    if (index % 4 < 2) {
                        ledger.transfer("alice", "bob");
                    } else {
                        ledger.transfer("bob", "alice");
                    }
                }
            });
            assertThat(SHARED[0]).isEqualTo(16L * 15);
        });
    }

    @Test
    void theFencingTokenIsPresentInsideAClusterGuardGrowsAcrossInstancesAndIsEmptyInALocalOne() {
        withTwoInstances((a, b) -> {
            OptionalLong first = a.getBean(Ledger.class).fenced();
            OptionalLong second = b.getBean(Ledger.class).fenced();
            OptionalLong third = a.getBean(Ledger.class).fenced();
            assertThat(first).isPresent();
            assertThat(second.getAsLong()).isGreaterThan(first.getAsLong());
            assertThat(third.getAsLong()).isGreaterThan(second.getAsLong());
            assertThat(a.getBean(Ledger.class).local()).isEmpty();
            assertThat(GuardContext.fencingToken()).isEmpty();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointShowsScopeClusterAndWhoHoldsTheGuardOnAnotherInstance() {
        withTwoInstances((a, b) -> {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread holder = Thread.ofVirtual().start(() -> a.getBean(Ledger.class).holdUntil(holding, done));
            try {
                assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
                b.getBean(Ledger.class).fenced();
                SignalboxEndpoint endpointB = b.getBean(SignalboxEndpoint.class);
                List<Map<String, Object>> all = (List<Map<String, Object>>) endpointB.primitives().get("primitives");
                assertThat(all).filteredOn(p -> p.get("name").equals("fenced")).singleElement()
                        .satisfies(p -> assertThat(p).containsEntry("scope", "cluster").doesNotContainKey("cluster"));
                SignalboxEndpoint endpointA = a.getBean(SignalboxEndpoint.class);
                Map<String, Object> held = endpointA.primitive("held");
                assertThat(held).containsEntry("scope", "cluster");
                assertThat((List<Map<String, Object>>) held.get("cluster")).singleElement().satisfies(member -> assertThat(member)
                        .containsEntry("instance", "instance-a").containsEntry("role", "holder").containsEntry("count", 1));
            } finally {
                done.countDown();
                holder.join(TimeUnit.SECONDS.toMillis(20));
            }
        });
    }

    @Test
    void aClusterRateLimitAdmitsItsLimitAcrossBothInstancesAndRejectsTheRestWithRetryAfter() {
        withTwoInstances((a, b) -> {
            List<Ledger> ledgers = List.of(a.getBean(Ledger.class), b.getBean(Ledger.class));
            int admitted = 0;
            int rejected = 0;
            for (int i = 0; i < 30; i++) {
                try {
                    ledgers.get(i % 2).callPartner();
                    admitted++;
                } catch (RateLimitExceededException e) {
                    rejected++;
                    assertThat(e.getRetryAfter()).isPositive();
                }
            }
            // 10 per minute: the bucket's bound across both instances, whoever asked.
            assertThat(admitted).isEqualTo(10);
            assertThat(rejected).isEqualTo(20);
        });
    }

    @Test
    void aClusterBarrierCountsPartiesOfBothInstancesAndATimeoutOnOneBreaksTheOther() {
        withTwoInstances((a, b) -> {
            CompletableFuture<Void> onA = CompletableFuture.runAsync(() -> a.getBean(Ledger.class).settle(),
                    r -> Thread.ofVirtual().start(r));
            b.getBean(Ledger.class).settle();
            onA.get(30, TimeUnit.SECONDS);

            // Three parties, two arrive: b gives up after 1 s, and a, willing to wait a minute, is broken with it.
            CompletableFuture<Void> patient = CompletableFuture.runAsync(() -> a.getBean(Ledger.class).settleThree(),
                    r -> Thread.ofVirtual().start(r));
            assertThatThrownBy(() -> b.getBean(Ledger.class).settleThreeWithin1s()).isInstanceOf(BarrierBrokenException.class);
            assertThatThrownBy(() -> patient.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(BarrierBrokenException.class);
        });
    }

    public static class Ledger {

        @Guarded(value = "counter", scope = Scope.CLUSTER, timeout = "60s")
        public void increment() {
            long seen = SHARED[0];
            Thread.yield(); // widen the window in which an unguarded caller would lose an update
            SHARED[0] = seen + 1;
        }

        @Guarded(value = "accounts", key = {"#from", "#to"}, scope = Scope.CLUSTER, timeout = "60s")
        public void transfer(String from, String to) {
            long seen = SHARED[0];
            Thread.yield();
            SHARED[0] = seen + 1;
        }

        @Guarded(value = "fenced", scope = Scope.CLUSTER, timeout = "10s")
        public OptionalLong fenced() {
            return GuardContext.fencingToken();
        }

        @Guarded(value = "held", scope = Scope.CLUSTER, timeout = "10s")
        public void holdUntil(CountDownLatch holding, CountDownLatch done) {
            holding.countDown();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @RateLimited(value = "partner", limit = 10, per = "1m", scope = Scope.CLUSTER)
        public void callPartner() {
        }

        @Barrier(value = "settlement", parties = 2, timeout = "30s", scope = Scope.CLUSTER)
        public void settle() {
        }

        @Barrier(value = "settlement-of-three", parties = 3, timeout = "60s", scope = Scope.CLUSTER)
        public void settleThree() {
        }

        @Barrier(value = "settlement-of-three", parties = 3, timeout = "1s", scope = Scope.CLUSTER)
        public void settleThreeWithin1s() {
        }

        @Guarded(value = "local", timeout = "10s")
        public OptionalLong local() {
            return GuardContext.fencingToken();
        }
    }
}
