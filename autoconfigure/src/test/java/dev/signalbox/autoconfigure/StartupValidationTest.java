package dev.signalbox.autoconfigure;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mistake in annotations or properties stops the context, with a message naming the method,
 * the attribute and the fix.
 */
class StartupValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class));

    private void assertStartupFails(Class<?> configuration, String... fragments) {
        assertStartupFails(runner.withUserConfiguration(configuration), fragments);
    }

    private static void assertStartupFails(ApplicationContextRunner runner, String... fragments) {
        runner.run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable failure = ctx.getStartupFailure();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains(fragments);
        });
    }

    @Test
    void emptyName() {
        assertStartupFails(EmptyName.Config.class, "EmptyName.work()", "name (value) is empty", "@Guarded(\"accounts\")");
    }

    @Test
    void zeroPermits() {
        assertStartupFails(ZeroPermits.Config.class, "ZeroPermits.work()", "permits = 0", "permits must be at least 1");
    }

    @Test
    void zeroPermitsFromProperties() {
        assertStartupFails(runner.withUserConfiguration(Fine.Config.class).withPropertyValues("signalbox.guards.fine.permits=0"),
                "Fine.work()", "signalbox.guards.fine.permits = 0", "permits must be at least 1");
    }

    @Test
    void zeroLimitAndOnePartyFromProperties() {
        assertStartupFails(runner.withUserConfiguration(ZeroLimit.Config.class).withPropertyValues("signalbox.rate-limits.zero.limit=0"),
                "ZeroLimit.work()", "signalbox.rate-limits.zero.limit = 0", "limit must be at least 1");
        assertStartupFails(runner.withUserConfiguration(OneParty.Config.class).withPropertyValues("signalbox.barriers.alone.parties=1"),
                "OneParty.work()", "signalbox.barriers.alone.parties = 1", "parties must be at least 2");
    }

    @Test
    void unparsableTimeoutInProperties() {
        assertStartupFails(runner.withUserConfiguration(Fine.Config.class).withPropertyValues("signalbox.guards.fine.timeout=2 parsecs"),
                "signalbox.guards.fine.timeout");
    }

    @Test
    void zeroLimit() {
        assertStartupFails(ZeroLimit.Config.class, "ZeroLimit.work()", "limit = 0", "limit must be at least 1");
    }

    @Test
    void oneParty() {
        assertStartupFails(OneParty.Config.class, "OneParty.work()", "parties = 1", "parties must be at least 2");
    }

    @Test
    void unparsableTimeout() {
        assertStartupFails(Parsecs.Config.class, "Parsecs.work()", "timeout = \"2 parsecs\"", "500ms");
    }

    @Test
    void badSpelKey() {
        assertStartupFails(BadSpel.Config.class, "BadSpel.work(String)", "key = \"#id +\"", "not a valid SpEL expression", "write e.g. \"#id\"");
    }

    @Test
    void keyNamingNoArgument() {
        assertStartupFails(NoSuchArgument.Config.class, "NoSuchArgument.work(String)", "key = \"#customer\"", "names no argument",
                "[id]");
    }

    @Test
    void privateAnnotatedMethod() {
        assertStartupFails(PrivateMethod.Config.class, "PrivateMethod.work()", "private method cannot be intercepted",
                "make it a public, non-final instance method");
    }

    @Test
    void finalAnnotatedMethod() {
        assertStartupFails(FinalMethod.Config.class, "FinalMethod.work()", "final method cannot be intercepted",
                "make it a public, non-final instance method");
    }

    @Test
    void readModeWithPermits() {
        assertStartupFails(ReadWithPermits.Config.class, "ReadWithPermits.work()", "mode = READ, permits = 2", "remove permits");
    }

    @Test
    void oneNameWithTwoShapes() {
        assertStartupFails(TwoShapes.Config.class, "TwoShapes.", "'shared' is already a", "cannot also be a",
                "give the two different names");
    }

    @Test
    void clusterScopeWithoutRedis() {
        assertStartupFails(Cluster.Config.class, "Cluster.work()", "scope = CLUSTER", "signalbox-redis", "or use Scope.LOCAL");
    }

    @Test
    void aValidConfigurationStarts() {
        runner.withUserConfiguration(Fine.Config.class).run(ctx -> assertThat(ctx).hasNotFailed());
    }

    // ---- one broken bean per case ----

    public static class Fine {
        @Guarded("fine")
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean Fine bean() { return new Fine(); }
        }
    }

    public static class EmptyName {
        @Guarded("")
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean EmptyName bean() { return new EmptyName(); }
        }
    }

    public static class ZeroPermits {
        @Guarded(value = "zero", permits = 0)
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean ZeroPermits bean() { return new ZeroPermits(); }
        }
    }

    public static class ZeroLimit {
        @RateLimited(value = "zero", limit = 0)
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean ZeroLimit bean() { return new ZeroLimit(); }
        }
    }

    public static class OneParty {
        @Barrier(value = "alone", parties = 1)
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean OneParty bean() { return new OneParty(); }
        }
    }

    public static class Parsecs {
        @Guarded(value = "kessel", timeout = "2 parsecs")
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean Parsecs bean() { return new Parsecs(); }
        }
    }

    public static class BadSpel {
        @Guarded(value = "bad", key = "#id +")
        public void work(String id) {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean BadSpel bean() { return new BadSpel(); }
        }
    }

    public static class NoSuchArgument {
        @Guarded(value = "missing", key = "#customer")
        public void work(String id) {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean NoSuchArgument bean() { return new NoSuchArgument(); }
        }
    }

    public static class PrivateMethod {
        @Guarded("private")
        private void work() {
        }

        public void call() {
            work();
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean PrivateMethod bean() { return new PrivateMethod(); }
        }
    }

    public static class FinalMethod {
        @Guarded("final")
        public final void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean FinalMethod bean() { return new FinalMethod(); }
        }
    }

    public static class ReadWithPermits {
        @Guarded(value = "rw", mode = Guarded.Mode.READ, permits = 2)
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean ReadWithPermits bean() { return new ReadWithPermits(); }
        }
    }

    public static class TwoShapes {
        @Guarded("shared")
        public void asLock() {
        }

        @Guarded(value = "shared", permits = 2)
        public void asSemaphore() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean TwoShapes bean() { return new TwoShapes(); }
        }
    }

    public static class Cluster {
        @Guarded(value = "cluster", scope = Scope.CLUSTER)
        public void work() {
        }

        @Configuration(proxyBeanMethods = false)
        static class Config {
            @Bean Cluster bean() { return new Cluster(); }
        }
    }
}
