package dev.signalbox.benchmarks;

import dev.signalbox.micrometer.MicrometerPrimitiveMetrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadRegistry;
import io.github.resilience4j.bulkhead.annotation.Bulkhead;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.annotation.RateLimiter;
import io.github.resilience4j.spring6.bulkhead.configure.BulkheadAspect;
import io.github.resilience4j.spring6.bulkhead.configure.BulkheadConfigurationProperties;
import io.github.resilience4j.spring6.fallback.FallbackExecutor;
import io.github.resilience4j.spring6.fallback.configure.FallbackConfiguration;
import io.github.resilience4j.spring6.ratelimiter.configure.RateLimiterAspect;
import io.github.resilience4j.spring6.ratelimiter.configure.RateLimiterConfigurationProperties;
import io.github.resilience4j.spring6.spelresolver.SpelResolver;
import io.github.resilience4j.spring6.spelresolver.configure.SpelResolverConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;
import org.springframework.context.annotation.Import;
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.EnableResilientMethods;

/**
 * Uncontended calls through a Spring proxy, metrics on (a Micrometer registry present): a plain
 * proxied method, Spring 7's {@code @ConcurrencyLimit(10)}, Signalbox's {@code @Guarded} and
 * {@code @RateLimited}, and Resilience4j's {@code @Bulkhead} (10 concurrent calls) and
 * {@code @RateLimiter} annotations. Resilience4j's annotations are AspectJ aspects, so they get a
 * context of their own with {@code @EnableAspectJAutoProxy}, wired by hand from
 * {@code resilience4j-spring6} the way its Spring Boot starter wires them; keeping them apart
 * leaves the other proxies exactly as a context without AspectJ makes them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SpringProxyBenchmark {

    private AnnotationConfigApplicationContext context;
    private AnnotationConfigApplicationContext resilience4jContext;
    private AnnotationConfigApplicationContext withoutMicrometerContext;
    private Service guardedWithoutMicrometer;
    private Service plain;
    private Service concurrencyLimited;
    private Service guarded;
    private Service rateLimited;
    private Service resilience4jBulkheadAnnotated;
    private Service resilience4jRateLimiterAnnotated;

    @Setup(Level.Trial)
    public void start() {
        context = new AnnotationConfigApplicationContext(Beans.class, SignalboxAutoConfiguration.class);
        concurrencyLimited = context.getBean("concurrencyLimited", Service.class);
        guarded = context.getBean("guarded", Service.class);
        rateLimited = context.getBean("rateLimited", Service.class);
        if (context.getBeansOfType(dev.signalbox.micrometer.MicrometerPrimitiveMetrics.class).isEmpty()) {
            throw new IllegalStateException("metrics are off in the benchmark's context: register the MeterRegistry before the auto-configuration");
        }
        ProxyFactory factory = new ProxyFactory(new Service());
        factory.setProxyTargetClass(true);
        factory.addAdvice((MethodInterceptor) invocation -> invocation.proceed());
        plain = (Service) factory.getProxy();
        withoutMicrometerContext = new AnnotationConfigApplicationContext(WithoutMicrometerBeans.class, SignalboxAutoConfiguration.class);
        guardedWithoutMicrometer = withoutMicrometerContext.getBean("guarded", Service.class);
        resilience4jContext = new AnnotationConfigApplicationContext(Resilience4jBeans.class);
        resilience4jBulkheadAnnotated = resilience4jContext.getBean("bulkheadAnnotated", Service.class);
        resilience4jRateLimiterAnnotated = resilience4jContext.getBean("rateLimiterAnnotated", Service.class);
        // The aspects create their bulkhead and rate limiter on the first call: their presence proves the advice ran.
        resilience4jBulkheadAnnotated.work();
        resilience4jRateLimiterAnnotated.work();
        if (resilience4jContext.getBean(BulkheadRegistry.class).find("bench").isEmpty()
                || resilience4jContext.getBean(RateLimiterRegistry.class).find("bench").isEmpty()) {
            throw new IllegalStateException("Resilience4j's aspects did not advise the annotated methods;"
                    + " the annotation figures would measure plain calls. Is aspectjweaver on the class path?");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        context.close();
        withoutMicrometerContext.close();
        resilience4jContext.close();
    }

    @Benchmark
    public int plainProxiedMethod() {
        return plain.work();
    }

    @Benchmark
    public int springConcurrencyLimit() {
        return concurrencyLimited.work();
    }

    @Benchmark
    public int signalboxGuarded() {
        return guarded.work();
    }

    /**
     * {@link #signalboxGuarded} in a context without a {@code MeterRegistry}: no Micrometer timers, only
     * the counters behind {@code /actuator/signalbox}. The difference is what the wait and hold histograms cost.
     */
    @Benchmark
    public int signalboxGuardedWithoutMicrometer() {
        return guardedWithoutMicrometer.work();
    }

    @Benchmark
    public int signalboxRateLimited() {
        return rateLimited.work();
    }

    @Benchmark
    public int resilience4jBulkheadAnnotation() {
        return resilience4jBulkheadAnnotated.work();
    }

    @Benchmark
    public int resilience4jRateLimiterAnnotation() {
        return resilience4jRateLimiterAnnotated.work();
    }

    public static class Service {
        private int counter;

        public int work() {
            return ++counter;
        }
    }

    public static class ConcurrencyLimitedService extends Service {
        @Override
        @ConcurrencyLimit(10)
        public int work() {
            return super.work();
        }
    }

    public static class GuardedService extends Service {
        @Override
        @Guarded("bench")
        public int work() {
            return super.work();
        }
    }

    public static class RateLimitedService extends Service {
        @Override
        @RateLimited(value = "bench-rate", limit = 1_000_000_000, per = "1s")
        public int work() {
            return super.work();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableResilientMethods
    public static class Beans {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Service concurrencyLimited() {
            return new ConcurrencyLimitedService();
        }

        @Bean
        Service guarded() {
            return new GuardedService();
        }

        @Bean
        Service rateLimited() {
            return new RateLimitedService();
        }
    }

    /** The {@code @Guarded} service alone, with no {@code MeterRegistry}. */
    @Configuration(proxyBeanMethods = false)
    public static class WithoutMicrometerBeans {

        @Bean
        Service guarded() {
            return new GuardedService();
        }
    }

    public static class BulkheadAnnotatedService extends Service {
        @Override
        @Bulkhead(name = "bench")
        public int work() {
            return super.work();
        }
    }

    public static class RateLimiterAnnotatedService extends Service {
        @Override
        @RateLimiter(name = "bench")
        public int work() {
            return super.work();
        }
    }

    /** Resilience4j's aspects as {@code resilience4j-spring6}'s configurations declare them, with default properties. */
    @Configuration(proxyBeanMethods = false)
    @EnableAspectJAutoProxy(proxyTargetClass = true)
    @Import({SpelResolverConfiguration.class, FallbackConfiguration.class})
    public static class Resilience4jBeans {

        @Bean
        BulkheadRegistry bulkheadRegistry() {
            return BulkheadRegistry.of(BulkheadConfig.custom().maxConcurrentCalls(10).build());
        }

        @Bean
        RateLimiterRegistry rateLimiterRegistry() {
            return RateLimiterRegistry.of(RateLimiterConfig.custom().limitForPeriod(1_000_000_000)
                    .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
        }

        @Bean
        BulkheadAspect bulkheadAspect(BulkheadRegistry registry, FallbackExecutor fallbackExecutor, SpelResolver spelResolver) {
            return new BulkheadAspect(new BulkheadConfigurationProperties(), ThreadPoolBulkheadRegistry.ofDefaults(), registry,
                    List.of(), fallbackExecutor, spelResolver);
        }

        @Bean
        RateLimiterAspect rateLimiterAspect(RateLimiterRegistry registry, FallbackExecutor fallbackExecutor,
                SpelResolver spelResolver) {
            return new RateLimiterAspect(registry, new RateLimiterConfigurationProperties(), List.of(), fallbackExecutor,
                    spelResolver);
        }

        @Bean
        Service bulkheadAnnotated() {
            return new BulkheadAnnotatedService();
        }

        @Bean
        Service rateLimiterAnnotated() {
            return new RateLimiterAnnotatedService();
        }
    }
}
