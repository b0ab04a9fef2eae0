package dev.signalbox.autoconfigure;

import dev.signalbox.micrometer.LeaseLostMeter;
import dev.signalbox.micrometer.MeterSettings;
import dev.signalbox.micrometer.MicrometerPrimitiveMetrics;
import dev.signalbox.registry.PrimitiveStatistics;
import dev.signalbox.registry.Registration;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.spring.web.SignalboxHandlerExceptionResolver;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.core.Lock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalboxAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class));

    @Test
    void registersTheRegistryAndProxiesAnnotatedBeans() {
        runner.withUserConfiguration(ServiceConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(SignalboxRegistry.class).hasSingleBean(PrimitiveStatistics.class);
            Counter counter = context.getBean(Counter.class);
            assertThat(AopUtils.isAopProxy(counter)).isTrue();
            counter.increment();
            assertThat(context.getBean(SignalboxRegistry.class).registration("counter")).isPresent();
        });
    }

    @Test
    void leavesBeansWithoutAnnotationsAlone() {
        runner.withUserConfiguration(PlainConfiguration.class).run(context ->
                assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse());
    }

    @Test
    void canBeSwitchedOff() {
        runner.withUserConfiguration(ServiceConfiguration.class).withPropertyValues("signalbox.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(SignalboxRegistry.class);
            assertThat(AopUtils.isAopProxy(context.getBean(Counter.class))).isFalse();
        });
    }

    @Test
    void publishesMetersWhenAMeterRegistryExists() {
        runner.withUserConfiguration(ServiceConfiguration.class, MeterRegistryConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(MicrometerPrimitiveMetrics.class);
            context.getBean(Counter.class).increment();
            context.getBean(MicrometerPrimitiveMetrics.class).flush();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("signalbox.wait").tag("name", "counter").tag("kind", "lock").tag("scope", "local")
                    .tag("outcome", "acquired").timer().count()).isEqualTo(1);
            assertThat(meters.get("signalbox.hold").tag("name", "counter").timer().count()).isEqualTo(1);
            assertThat(meters.get("signalbox.capacity").tag("name", "counter").gauge().value()).isEqualTo(1.0);
        });
    }

    @Test
    void aZeroFlushIntervalRecordsTimesBeforeTheCallReturns() {
        runner.withUserConfiguration(ServiceConfiguration.class, MeterRegistryConfiguration.class)
                .withPropertyValues("signalbox.metrics.flush-interval=0")
                .run(context -> {
                    context.getBean(Counter.class).increment();
                    assertThat(context.getBean(MeterRegistry.class).get("signalbox.hold").tag("name", "counter").timer().count())
                            .isEqualTo(1);
                });
    }

    @Test
    void closingTheContextFlushesBufferedTimes() {
        MeterRegistry[] meters = new MeterRegistry[1];
        runner.withUserConfiguration(ServiceConfiguration.class, MeterRegistryConfiguration.class)
                .withPropertyValues("signalbox.metrics.flush-interval=1h")
                .run(context -> {
                    meters[0] = context.getBean(MeterRegistry.class);
                    context.getBean(Counter.class).increment();
                });
        assertThat(meters[0].get("signalbox.hold").tag("name", "counter").timer().count()).isEqualTo(1);
    }

    @Test
    void metersCanBeSwitchedOff() {
        runner.withUserConfiguration(MeterRegistryConfiguration.class).withPropertyValues("signalbox.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MicrometerPrimitiveMetrics.class));
    }

    @Test
    void worksWithoutMicrometer() {
        runner.withUserConfiguration(ServiceConfiguration.class).withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerPrimitiveMetrics.class);
                    context.getBean(Counter.class).increment();
                });
    }

    @Test
    void worksWithoutActuator() {
        runner.withUserConfiguration(ServiceConfiguration.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SignalboxEndpoint.class));
    }

    @Test
    void worksWithoutReactor() {
        runner.withUserConfiguration(ServiceConfiguration.class).withClassLoader(new FilteredClassLoader("reactor.core"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(Counter.class).increment();
                });
    }

    @Test
    void registersTheEndpointWhenActuatorExposesIt() {
        runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=signalbox")
                .run(context -> assertThat(context).hasSingleBean(SignalboxEndpoint.class));
    }

    @Test
    void theEndpointFollowsTheApplicationsExposureSettings() {
        runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .run(context -> assertThat(context).as("not exposed by default, like every endpoint but health")
                        .doesNotHaveBean(SignalboxEndpoint.class));
        runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=signalbox", "management.endpoint.signalbox.access=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(SignalboxEndpoint.class));
    }

    @Test
    void problemResponsesOnlyInServletWebApplications() {
        runner.run(context -> assertThat(context).doesNotHaveBean(SignalboxHandlerExceptionResolver.class));
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class))
                .run(context -> assertThat(context).hasSingleBean(SignalboxHandlerExceptionResolver.class));
    }

    @Test
    void anApplicationRegistryReplacesOurs() {
        runner.withUserConfiguration(OwnRegistryConfiguration.class, ServiceConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(SignalboxRegistry.class);
            assertThat(context.getBean(SignalboxRegistry.class)).isSameAs(OwnRegistryConfiguration.REGISTRY);
            context.getBean(Counter.class).increment();
            assertThat(OwnRegistryConfiguration.REGISTRY.registration("counter")).isPresent();
        });
    }

    /** Every bean of the auto-configuration backs off when the application defines its own. */
    @Test
    void anApplicationsOwnBeansReplaceOurs() {
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class))
                .withUserConfiguration(MeterRegistryConfiguration.class, OwnBeansConfiguration.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(MicrometerPrimitiveMetrics.class).hasSingleBean(LeaseLostMeter.class)
                            .hasSingleBean(SignalboxHandlerExceptionResolver.class);
                    assertThat(context.getBean(MicrometerPrimitiveMetrics.class)).isSameAs(OwnBeansConfiguration.METRICS);
                    assertThat(context.getBean(LeaseLostMeter.class)).isSameAs(OwnBeansConfiguration.LEASE_LOST);
                    assertThat(context.getBean(SignalboxHandlerExceptionResolver.class)).isSameAs(OwnBeansConfiguration.RESOLVER);
                });
    }

    @Test
    void programmaticPrimitivesAreInstrumentedLikeAnnotatedOnes() {
        runner.withUserConfiguration(MeterRegistryConfiguration.class).run(context -> {
            SignalboxRegistry registry = context.getBean(SignalboxRegistry.class);
            Lock lock = registry.lock("manual");
            assertThat(registry.lock("manual")).isSameAs(lock);
            lock.acquire().close();
            context.getBean(MicrometerPrimitiveMetrics.class).flush();
            assertThat(context.getBean(MeterRegistry.class).get("signalbox.wait").tag("name", "manual").timer().count())
                    .isEqualTo(1);
        });
    }

    @Test
    void everyProgrammaticKindIsMeteredAndListedUnderItsOwnKind() {
        runner.withUserConfiguration(MeterRegistryConfiguration.class).run(context -> {
            SignalboxRegistry registry = context.getBean(SignalboxRegistry.class);
            registry.lock("p-lock");
            registry.semaphore("p-semaphore", 3);
            registry.readWriteLock("p-rw");
            registry.event("p-event");
            registry.condition("p-condition", "p-lock");
            registry.barrier("p-barrier", 2);
            registry.queue("p-queue", 10);
            registry.resourcePool("p-pool", java.util.List.of("a", "b"));
            try (var workers = registry.workerPool("p-workers", 2, 10)) {
                registry.rateLimiter("p-limiter", 5, java.time.Duration.ofSeconds(1));
                registry.keyedLocks("p-keyed");
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                java.util.Map<String, String> expectedKinds = java.util.Map.ofEntries(
                        java.util.Map.entry("p-lock", "lock"), java.util.Map.entry("p-semaphore", "semaphore"),
                        java.util.Map.entry("p-rw", "read_write_lock"), java.util.Map.entry("p-event", "event"),
                        java.util.Map.entry("p-condition", "condition"), java.util.Map.entry("p-barrier", "barrier"),
                        java.util.Map.entry("p-queue", "queue"), java.util.Map.entry("p-pool", "resource_pool"),
                        java.util.Map.entry("p-workers", "worker_pool"), java.util.Map.entry("p-limiter", "rate_limiter"),
                        java.util.Map.entry("p-keyed", "lock"));
                expectedKinds.forEach((name, kind) -> {
                    assertThat(meters.find("signalbox.capacity").tag("name", name).tag("kind", kind).gauge())
                            .as("capacity gauge of %s", name).isNotNull();
                    assertThat(meters.find("signalbox.wait").tag("name", name).tag("kind", kind).timer())
                            .as("wait timer of %s", name).isNotNull();
                });
                assertThat(registry.registrations()).extracting(Registration::name)
                        .containsExactlyInAnyOrderElementsOf(expectedKinds.keySet());
                assertThat(meters.get("signalbox.capacity").tag("name", "p-semaphore").gauge().value()).isEqualTo(3.0);
                assertThat(meters.get("signalbox.capacity").tag("name", "p-pool").gauge().value()).isEqualTo(2.0);
                assertThatThrownBy(() -> registry.semaphore("p-lock", 2)).as("one name, one shape")
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'p-lock' is already a lock");
            }
        });
    }

    @Test
    void sloBoundariesAreConfigurable() {
        runner.withUserConfiguration(ServiceConfiguration.class, MeterRegistryConfiguration.class)
                .withPropertyValues("signalbox.metrics.slo=10ms,250ms", "signalbox.metrics.percentile-histogram=false")
                .run(context -> {
                    context.getBean(Counter.class).increment();
                    var buckets = context.getBean(MeterRegistry.class).get("signalbox.wait").tag("name", "counter")
                            .timer().takeSnapshot().histogramCounts();
                    assertThat(buckets).extracting(b -> b.bucket(java.util.concurrent.TimeUnit.MILLISECONDS))
                            .containsExactly(10.0, 250.0);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class ServiceConfiguration {
        @Bean
        Counter counter() {
            return new Counter();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PlainConfiguration {
        @Bean
        Plain plain() {
            return new Plain();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MeterRegistryConfiguration {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeansConfiguration {
        static final MicrometerPrimitiveMetrics METRICS = new MicrometerPrimitiveMetrics(new SimpleMeterRegistry(), MeterSettings.DEFAULTS);
        static final LeaseLostMeter LEASE_LOST = new LeaseLostMeter(new SimpleMeterRegistry());
        static final SignalboxHandlerExceptionResolver RESOLVER = new SignalboxHandlerExceptionResolver();

        @Bean
        MicrometerPrimitiveMetrics ownMetrics() {
            return METRICS;
        }

        @Bean
        LeaseLostMeter ownLeaseLostMeter() {
            return LEASE_LOST;
        }

        @Bean
        SignalboxHandlerExceptionResolver ownResolver() {
            return RESOLVER;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistryConfiguration {
        static final SignalboxRegistry REGISTRY = SignalboxRegistry.uninstrumented();

        @Bean
        SignalboxRegistry signalboxRegistry() {
            return REGISTRY;
        }
    }

    static class Counter {
        private int value;

        @Guarded("counter")
        public int increment() {
            return ++value;
        }
    }

    static class Plain {
        public int answer() {
            return 42;
        }
    }
}
