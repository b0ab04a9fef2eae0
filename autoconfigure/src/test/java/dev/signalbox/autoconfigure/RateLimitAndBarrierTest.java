package dev.signalbox.autoconfigure;

import dev.signalbox.registry.SignalboxRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.testing.Threads.Call;
import dev.signalbox.testing.Threads;
import dev.signalbox.testing.Threads.Flavor;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.RateLimitExceededException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static dev.signalbox.testing.Threads.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @RateLimited} and {@code @Barrier} methods on Spring beans, end to end. */
class RateLimitAndBarrierTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class))
            .withUserConfiguration(Services.class);

    @Test
    void admitsExactlyLimitCallsAtOnceAndRejectsTheNextWithARetryAfter() {
        runner.run(ctx -> {
            Api api = ctx.getBean(Api.class);
            for (int i = 0; i < 5; i++) {
                api.call();
            }
            assertThatThrownBy(api::call).isInstanceOfSatisfying(RateLimitExceededException.class, e -> {
                assertThat(e.getRetryAfter()).isPositive();
                assertThat(e.getPrimitiveName()).isEqualTo("api");
            });
            assertThat(api.calls().get()).isEqualTo(5);
        });
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void concurrentCallersGetExactlyLimitTokens(Flavor flavor) {
        int callers = flavor == Flavor.VIRTUAL ? 200 : 16;
        runner.run(ctx -> {
            Api api = ctx.getBean(Api.class);
            AtomicInteger rejected = new AtomicInteger();
            Threads.runConcurrently(flavor, callers, i -> {
                try {
                    api.bulk();
                } catch (RateLimitExceededException e) {
                    rejected.incrementAndGet();
                }
            });
            assertThat(api.calls().get()).isEqualTo(10);
            assertThat(rejected.get()).isEqualTo(callers - 10);
        });
    }

    @Test
    void perKeyBucketsAreIndependent() {
        runner.run(ctx -> {
            Api api = ctx.getBean(Api.class);
            for (int i = 0; i < 3; i++) {
                api.forCustomer("alice");
            }
            assertThatThrownBy(() -> api.forCustomer("alice")).isInstanceOf(RateLimitExceededException.class);
            for (int i = 0; i < 3; i++) {
                api.forCustomer("bob");
            }
            assertThatThrownBy(() -> api.forCustomer("bob")).isInstanceOf(RateLimitExceededException.class);
            assertThat(api.calls().get()).isEqualTo(6);
        });
    }

    @Test
    void aRejectedCallOfARateLimitedGuardedMethodNeverTakesTheGuard() {
        runner.run(ctx -> {
            Api api = ctx.getBean(Api.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            api.limitedAndGuarded();
            api.limitedAndGuarded();
            assertThatThrownBy(api::limitedAndGuarded).isInstanceOf(RateLimitExceededException.class);
            assertThat(api.calls().get()).isEqualTo(2);
            assertThat(registry.registration("combo-guard").orElseThrow().snapshot().active()).isZero();
            assertThat(registry.registration("combo-guard").orElseThrow().snapshot().waiting()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aBarrierReleasesAGenerationOfThreeTogether(Flavor flavor) {
        runner.run(ctx -> {
            Settlement settlement = ctx.getBean(Settlement.class);
            dev.signalbox.core.Barrier barrier = barrier(ctx.getBean(SignalboxRegistry.class), "settlement");
            List<Call> calls = new ArrayList<>();
            calls.add(Threads.call(flavor, x -> settlement.settle("eu")));
            calls.add(Threads.call(flavor, x -> settlement.settle("us")));
            awaitTrue("two parties waiting", () -> barrier.waiting() == 2);
            assertThat(settlement.settled().get()).isZero();
            calls.add(Threads.call(flavor, x -> settlement.settle("apac")));
            for (Call call : calls) {
                call.joinSuccessfully();
            }
            assertThat(settlement.settled().get()).isEqualTo(3);
            // Several generations in a row.
            Threads.runConcurrently(flavor, 30, i -> settlement.settle("r" + i));
            assertThat(settlement.settled().get()).isEqualTo(33);
            assertThat(barrier.waiting()).isZero();
        });
    }

    @Test
    void aTimeoutBreaksTheGenerationForEveryPartyAndTheNextGenerationWorks() {
        runner.run(ctx -> {
            Settlement settlement = ctx.getBean(Settlement.class);
            dev.signalbox.core.Barrier barrier = barrier(ctx.getBean(SignalboxRegistry.class), "settlement");
            Call patient = Threads.call(Flavor.VIRTUAL, x -> settlement.settle("eu"));
            awaitTrue("first party waiting", () -> barrier.waiting() == 1);
            // The impatient party (50ms) times out, breaking the generation for the patient one (30s) too.
            assertThatThrownBy(() -> settlement.settleImpatiently("us")).isInstanceOf(BarrierBrokenException.class);
            assertThat(patient.join()).isInstanceOf(BarrierBrokenException.class);
            assertThat(settlement.settled().get()).isZero();
            assertThat(barrier.waiting()).isZero();
            Threads.runConcurrently(Flavor.PLATFORM, 3, i -> settlement.settle("r" + i));
            assertThat(settlement.settled().get()).isEqualTo(3);
        });
    }

    private static dev.signalbox.core.Barrier barrier(SignalboxRegistry registry, String name) {
        return (dev.signalbox.core.Barrier) registry.registration(name).orElseThrow().primitive();
    }

    @Configuration(proxyBeanMethods = false)
    static class Services {
        @Bean Api api() { return new Api(); }
        @Bean Settlement settlement() { return new Settlement(); }
    }

    /** Rate limits per 60s: no token refills during a test, however slow the machine. */
    public static class Api {
        private final AtomicInteger calls = new AtomicInteger();

        public AtomicInteger calls() {
            return calls;
        }

        @RateLimited(value = "api", limit = 5, per = "60s")
        public void call() {
            calls.incrementAndGet();
        }

        @RateLimited(value = "bulk", limit = 10, per = "60s")
        public void bulk() {
            calls.incrementAndGet();
        }

        @RateLimited(value = "combo-limit", limit = 2, per = "60s")
        @dev.signalbox.annotation.Guarded(value = "combo-guard", timeout = "30s")
        public void limitedAndGuarded() {
            calls.incrementAndGet();
        }

        @RateLimited(value = "per-customer", limit = 3, per = "60s", key = "#customer")
        public void forCustomer(String customer) {
            calls.incrementAndGet();
        }
    }

    public static class Settlement {
        private final AtomicInteger settled = new AtomicInteger();

        public AtomicInteger settled() {
            return settled;
        }

        @Barrier(value = "settlement", parties = 3, timeout = "30s")
        public void settle(String region) {
            settled.incrementAndGet();
        }

        @Barrier(value = "settlement", parties = 3, timeout = "50ms")
        public void settleImpatiently(String region) {
            settled.incrementAndGet();
        }
    }
}
