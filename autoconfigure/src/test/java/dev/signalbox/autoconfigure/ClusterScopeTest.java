package dev.signalbox.autoconfigure;

import dev.signalbox.micrometer.MicrometerPrimitiveMetrics;
import dev.signalbox.registry.SignalboxRegistry;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;
import dev.signalbox.core.GuardContext;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scope = CLUSTER} on the Spring side, against an in-JVM stand-in backend
 * ({@link InMemoryCluster}; the Redis one is tested end to end in module redis): primitives resolved
 * through the {@link ClusterPrimitives} bean, registered and metered with scope cluster, keys in
 * their string form and in key order, fencing tokens in {@link GuardContext}, members in the endpoint.
 */
@Timeout(30)
class ClusterScopeTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class, EndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=signalbox")
            .withUserConfiguration(Backend.class, Meters.class, Services.class);

    @Test
    void clusterAnnotationsResolveThroughTheBackendAndAreRegisteredWithScopeCluster() {
        runner.run(context -> {
            Services.Orders orders = context.getBean(Services.Orders.class);
            orders.place();
            orders.limited();
            SignalboxRegistry registry = context.getBean(SignalboxRegistry.class);
            assertThat(registry.registration("orders")).hasValueSatisfying(r -> assertThat(r.scope()).isEqualTo(Scope.CLUSTER));
            assertThat(registry.registration("partner")).hasValueSatisfying(r -> assertThat(r.scope()).isEqualTo(Scope.CLUSTER));
            assertThat(registry.registration("local")).hasValueSatisfying(r -> assertThat(r.scope()).isEqualTo(Scope.LOCAL));
            assertThat(context.getBean(InMemoryCluster.class).grants).containsExactly("orders/null");
            context.getBean(MicrometerPrimitiveMetrics.class).flush(); // wait times are recorded late (see its javadoc)
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("signalbox.wait").tag("name", "orders").tag("scope", "cluster").tag("outcome", "acquired")
                    .timer().count()).isEqualTo(1);
            assertThat(meters.get("signalbox.wait").tag("name", "partner").tag("kind", "rate_limiter").tag("scope", "cluster")
                    .tag("outcome", "acquired").timer().count()).isEqualTo(1);
        });
    }

    @Test
    void propertiesMakeLocalAnnotationsClusterScoped() {
        runner.withPropertyValues("signalbox.guards.local.scope=cluster", "signalbox.rate-limits.local-limit.scope=cluster",
                "signalbox.barriers.local-barrier.scope=cluster").run(context -> {
                    SignalboxRegistry registry = context.getBean(SignalboxRegistry.class);
                    context.getBean(Services.Orders.class).local();
                    assertThat(registry.registration("local").orElseThrow().scope()).isEqualTo(Scope.CLUSTER);
                    assertThat(registry.registration("local-limit").orElseThrow().scope()).isEqualTo(Scope.CLUSTER);
                    assertThat(registry.registration("local-barrier").orElseThrow().scope()).isEqualTo(Scope.CLUSTER);
                    assertThat(context.getBean(InMemoryCluster.class).grants).containsExactly("local/null");
                });
    }

    @Test
    void leaseLossIsCountedForClusterPrimitivesOnly() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("signalbox.lease.lost").tag("name", "orders").tag("kind", "lock").tag("scope", "cluster")
                    .counter().count()).isZero();
            assertThat(meters.find("signalbox.lease.lost").tag("name", "local").counter()).isNull();
            context.getBean(InMemoryCluster.class).loseLease("orders");
            assertThat(meters.get("signalbox.lease.lost").tag("name", "orders").counter().count()).isEqualTo(1);
        });
    }

    @Test
    void theFencingTokenIsPresentInsideAClusterGuardGrowsWithEveryGrantAndIsEmptyElsewhere() {
        runner.run(context -> {
            Services.Orders orders = context.getBean(Services.Orders.class);
            OptionalLong first = orders.place();
            OptionalLong second = orders.place();
            assertThat(first).isPresent();
            assertThat(second.getAsLong()).isGreaterThan(first.getAsLong());
            assertThat(orders.local()).isEmpty();
            assertThat(GuardContext.fencingToken()).isEmpty();
        });
    }

    @Test
    void aNestedCallSeesTheInnermostClusterTokenAndTheOuterOneAfter() {
        runner.run(context -> {
            List<OptionalLong> seen = context.getBean(Services.Orders.class).placeThenShip();
            // [outer before, inner (shipping), local inside outer, outer after]
            assertThat(seen.get(0)).isPresent();
            assertThat(seen.get(1)).isPresent().isNotEqualTo(seen.get(0));
            assertThat(seen.get(2)).isEqualTo(seen.get(0));
            assertThat(seen.get(3)).isEqualTo(seen.get(0));
        });
    }

    @Test
    void asyncBodiesSeeTheTokenWhileTheyRun() throws Exception {
        runner.run(context -> {
            Services.Orders orders = context.getBean(Services.Orders.class);
            assertThat(orders.placeAsync().get(10, TimeUnit.SECONDS)).isPresent();
            assertThat(orders.placeMono().block(java.time.Duration.ofSeconds(10))).isPresent();
            assertThat(GuardContext.fencingToken()).isEmpty();
        });
    }

    @Test
    void clusterKeysAreTheirStringFormAndSeveralKeysAreTakenInKeyOrder() {
        runner.run(context -> {
            Services.Accounts accounts = context.getBean(Services.Accounts.class);
            accounts.transfer("zed", "amy");
            accounts.transfer("amy", "zed");
            accounts.touch(7);
            assertThat(context.getBean(InMemoryCluster.class).grants)
                    .containsExactly("accounts/amy", "accounts/zed", "accounts/amy", "accounts/zed", "accounts/7");
            // One key: its token is there; two keys: each has its own sequence, so there is none.
            assertThat(accounts.touch(7)).isPresent();
            assertThat(accounts.transfer("a", "b")).isEmpty();
        });
    }

    @Test
    void theEndpointShowsScopeAndOnlyTheDetailViewAsksTheBackendForMembers() {
        runner.run(context -> {
            context.getBean(Services.Orders.class).place();
            SignalboxEndpoint endpoint = context.getBean(SignalboxEndpoint.class);
            InMemoryCluster cluster = context.getBean(InMemoryCluster.class);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> all = (List<Map<String, Object>>) endpoint.primitives().get("primitives");
            assertThat(all).filteredOn(p -> p.get("name").equals("orders")).singleElement()
                    .satisfies(p -> assertThat(p).containsEntry("scope", "cluster").doesNotContainKey("cluster"));
            assertThat(cluster.membersAsked).hasValue(0);
            Map<String, Object> detail = endpoint.primitive("orders");
            assertThat(detail).containsEntry("scope", "cluster").containsEntry("cluster", List.of());
            assertThat(cluster.membersAsked).hasValue(1);
            assertThat(endpoint.primitive("local")).doesNotContainKey("cluster");
        });
    }

    @Test
    void oneNameCannotBeBothLocalAndCluster() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class))
                .withUserConfiguration(Backend.class, Conflict.class).run(context -> {
                    assertThat(context).hasFailed();
                    StringBuilder messages = new StringBuilder();
                    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                        messages.append(t.getMessage()).append('\n');
                    }
                    assertThat(messages.toString()).contains("'shared' is already a", "cannot also be a",
                            "local to this JVM or shared by the cluster", "the same scope");
                });
    }

    @Test
    void aScopePropertyWithoutABackendStopsStartupNamingTheProperty() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class))
                .withBean(Conflict.LocalUse.class).withPropertyValues("signalbox.guards.shared.scope=cluster")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("signalbox.guards.shared.scope = cluster")
                            .hasMessageContaining("LocalUse.work()").hasMessageContaining("signalbox-redis");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Backend {
        @Bean
        InMemoryCluster inMemoryCluster() {
            return new InMemoryCluster();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Meters {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Services {

        @Bean
        Orders orders() {
            return new Orders();
        }

        @Bean
        Shipping shipping() {
            return new Shipping();
        }

        @Bean
        Accounts accounts() {
            return new Accounts();
        }

        public static class Orders {

            private Shipping shipping;

            @org.springframework.beans.factory.annotation.Autowired
            void setShipping(Shipping shipping) {
                this.shipping = shipping;
            }

            @Guarded(value = "orders", scope = Scope.CLUSTER, timeout = "5s")
            public OptionalLong place() {
                return GuardContext.fencingToken();
            }

            @Guarded(value = "orders", scope = Scope.CLUSTER, timeout = "5s")
            public List<OptionalLong> placeThenShip() {
                OptionalLong outer = GuardContext.fencingToken();
                OptionalLong inner = shipping.ship();
                OptionalLong local = shipping.localStep();
                return List.of(outer, inner, local, GuardContext.fencingToken());
            }

            @Guarded(value = "orders", scope = Scope.CLUSTER, timeout = "5s")
            public CompletableFuture<OptionalLong> placeAsync() {
                return CompletableFuture.completedFuture(GuardContext.fencingToken());
            }

            @Guarded(value = "orders", scope = Scope.CLUSTER, timeout = "5s")
            public Mono<OptionalLong> placeMono() {
                return Mono.just(GuardContext.fencingToken());
            }

            @Guarded(value = "local", timeout = "5s")
            @RateLimited(value = "local-limit", limit = 100)
            @Barrier(value = "local-barrier", parties = 2, timeout = "5s")
            public void barrierOnly() {
            }

            @Guarded(value = "local", timeout = "5s")
            public OptionalLong local() {
                return GuardContext.fencingToken();
            }

            @RateLimited(value = "partner", limit = 100, scope = Scope.CLUSTER)
            public void limited() {
            }
        }

        public static class Shipping {

            @Guarded(value = "shipping", scope = Scope.CLUSTER, timeout = "5s")
            public OptionalLong ship() {
                return GuardContext.fencingToken();
            }

            @Guarded(value = "shipping-local", timeout = "5s")
            public OptionalLong localStep() {
                return GuardContext.fencingToken();
            }
        }

        public static class Accounts {

            @Guarded(value = "accounts", key = {"#from", "#to"}, scope = Scope.CLUSTER, timeout = "5s")
            public OptionalLong transfer(String from, String to) {
                return GuardContext.fencingToken();
            }

            @Guarded(value = "accounts", key = "#id", scope = Scope.CLUSTER, timeout = "5s")
            public OptionalLong touch(int id) {
                return GuardContext.fencingToken();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Conflict {

        @Bean
        LocalUse localUse() {
            return new LocalUse();
        }

        @Bean
        ClusterUse clusterUse() {
            return new ClusterUse();
        }

        public static class LocalUse {
            @Guarded("shared")
            public void work() {
            }
        }

        public static class ClusterUse {
            @Guarded(value = "shared", scope = Scope.CLUSTER)
            public void work() {
            }
        }
    }
}
