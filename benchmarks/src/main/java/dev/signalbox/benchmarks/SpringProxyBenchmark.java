package dev.signalbox.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;

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
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.EnableResilientMethods;

/**
 * Uncontended calls through a Spring proxy, metrics on (a Micrometer registry present): a plain
 * proxied method, Spring 7's {@code @ConcurrencyLimit(10)}, Signalbox's {@code @Guarded} and
 * {@code @RateLimited}. Resilience4j's annotations need AspectJ and are not measured here yet.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SpringProxyBenchmark {

    private AnnotationConfigApplicationContext context;
    private Service plain;
    private Service concurrencyLimited;
    private Service guarded;
    private Service rateLimited;

    @Setup(Level.Trial)
    public void start() {
        context = new AnnotationConfigApplicationContext(SignalboxAutoConfiguration.class, Beans.class);
        concurrencyLimited = context.getBean("concurrencyLimited", Service.class);
        guarded = context.getBean("guarded", Service.class);
        rateLimited = context.getBean("rateLimited", Service.class);
        ProxyFactory factory = new ProxyFactory(new Service());
        factory.setProxyTargetClass(true);
        factory.addAdvice((MethodInterceptor) invocation -> invocation.proceed());
        plain = (Service) factory.getProxy();
    }

    @TearDown(Level.Trial)
    public void stop() {
        context.close();
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

    @Benchmark
    public int signalboxRateLimited() {
        return rateLimited.work();
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
}
