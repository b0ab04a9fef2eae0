package dev.signalbox.dashboard;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.Scope;
import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardAutoConfigurationTests {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(SignalboxAutoConfiguration.class, DashboardAutoConfiguration.class));

    @Test
    void servletApplicationGetsThePageTheSamplerAndTheRecorder() {
        web.run(context -> assertThat(context).hasSingleBean(DashboardController.class)
                .hasSingleBean(DashboardSampler.class).hasSingleBean(DashboardRecorder.class)
                .getBean(DashboardProperties.class).extracting(DashboardProperties::getPath).isEqualTo("/signalbox"));
    }

    @Test
    void anApplicationsOwnStreamReplacesOurs() {
        DashboardStream own = new DashboardStream();
        web.withBean("ownStream", DashboardStream.class, () -> own)
                .run(context -> assertThat(context).hasSingleBean(DashboardStream.class).hasSingleBean(DashboardController.class)
                        .getBean(DashboardStream.class).isSameAs(own));
    }

    @Test
    void nonWebApplicationGetsNoDashboard() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class, DashboardAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(DashboardController.class)
                        .doesNotHaveBean(DashboardSampler.class));
    }

    @Test
    void dashboardCanBeSwitchedOff() {
        web.withPropertyValues("signalbox.dashboard.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DashboardController.class)
                        .doesNotHaveBean(DashboardRecorder.class).hasSingleBean(SignalboxRegistry.class));
    }

    @Test
    void switchingSignalboxOffAlsoSwitchesOffTheDashboard() {
        web.withPropertyValues("signalbox.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DashboardController.class));
    }

    @Test
    void propertiesBindWithDurations() {
        web.withPropertyValues("signalbox.dashboard.path=/ops/locks", "signalbox.dashboard.hold-warning=250ms",
                "signalbox.dashboard.history=2m", "signalbox.dashboard.required-role=OPS").run(context -> {
                    DashboardProperties properties = context.getBean(DashboardProperties.class);
                    assertThat(properties.normalizedPath()).isEqualTo("/ops/locks");
                    assertThat(properties.getHoldWarning()).isEqualTo(Duration.ofMillis(250));
                    assertThat(properties.getHistory()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(properties.getRequiredRole()).isEqualTo("OPS");
                });
    }

    @Test
    void aClusterGuardIsARowWithScopeCluster() {
        web.withBean(ClusterPrimitives.class, LocalStandIn::new).withBean(ClusterGuarded.class).run(context -> {
            context.getBean(DashboardSampler.class).stop();
            context.getBean(ClusterGuarded.class).work();
            DashboardSampler sampler = context.getBean(DashboardSampler.class);
            sampler.tick();
            assertThat(sampler.rows()).filteredOn(row -> row.name().equals("settle")).singleElement()
                    .satisfies(row -> assertThat(row.scope()).isEqualTo("cluster"));
        });
    }

    public static class ClusterGuarded {
        @Guarded(value = "settle", scope = Scope.CLUSTER, timeout = "5s")
        public void work() {
        }
    }

    /** A cluster backend of local locks: enough for the dashboard, which only reads what the registry says. */
    static class LocalStandIn implements ClusterPrimitives {
        @Override
        public String backend() {
            return "stand-in";
        }

        @Override
        public Lock lock(String name, String key, PrimitiveListener listener) {
            return Lock.create(name, listener);
        }

        @Override
        public Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Barrier barrier(String name, int parties, PrimitiveListener listener) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void registryPrimitivesReportToTheDashboardRecorder() {
        web.run(context -> {
            context.getBean(DashboardSampler.class).stop(); // its timer would drain the counts before we read them
            Lock lock = context.getBean(SignalboxRegistry.class).lock("orders");
            try (Permit permit = lock.acquire(Duration.ofSeconds(1))) {
                assertThat(lock.snapshot().holders()).hasSize(1);
            }
            PrimitiveActivity activity = context.getBean(DashboardRecorder.class).activity("orders");
            assertThat(activity).isNotNull();
            assertThat(activity.drainOutcomes()[dev.signalbox.core.Outcome.ACQUIRED.ordinal()]).isEqualTo(1);
        });
    }
}
