package dev.signalbox.benchmarks;

import dev.signalbox.micrometer.MicrometerPrimitiveMetrics;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Semaphore;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Many virtual threads through one guard of 16 permits, each holding it for 1 ms of blocking work
 * ({@code Thread.sleep(1)}): the wall time from the first start to the last finish. With 16 permits
 * the ideal is {@code virtualThreads / 16} ms; the peer is a bare {@code java.util.concurrent.Semaphore(16)},
 * and Signalbox is measured both through {@code @Guarded(permits = 16)} on a Spring proxy (metrics
 * on) and as its core {@link Semaphore}. One operation is the whole batch ({@code SingleShotTime}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
@State(Scope.Benchmark)
public class VirtualThreadsBenchmark {

    private static final int PERMITS = 16;

    @Param("100000")
    public int virtualThreads;

    private AnnotationConfigApplicationContext context;
    private Work guarded;
    private final java.util.concurrent.Semaphore jucSemaphore = new java.util.concurrent.Semaphore(PERMITS);
    private final Semaphore semaphore = Semaphore.create("bench-vt-core", PERMITS);

    @Setup(Level.Trial)
    public void start() {
        context = new AnnotationConfigApplicationContext(Beans.class, SignalboxAutoConfiguration.class);
        guarded = context.getBean(Work.class);
        if (context.getBeansOfType(dev.signalbox.micrometer.MicrometerPrimitiveMetrics.class).isEmpty()) {
            throw new IllegalStateException("metrics are off in the benchmark's context: register the MeterRegistry before the auto-configuration");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        context.close();
    }

    @Benchmark
    public void jucSemaphore() {
        runAll(() -> {
            jucSemaphore.acquireUninterruptibly();
            try {
                Work.oneMillisecond();
            } finally {
                jucSemaphore.release();
            }
        });
    }

    @Benchmark
    public void signalboxGuarded() {
        runAll(guarded::guardedWork);
    }

    @Benchmark
    public void signalboxSemaphore() {
        runAll(() -> {
            try (Permit ignored = semaphore.acquire()) {
                Work.oneMillisecond();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("a virtual thread of the benchmark was interrupted", e);
            }
        });
    }

    /**
     * Starts one virtual thread per call and returns once every one of them has finished; fails if
     * any call failed (a batch with dropped calls would look faster than it is).
     */
    private void runAll(Runnable call) {
        AtomicInteger failed = new AtomicInteger();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < virtualThreads; i++) {
                executor.execute(() -> {
                    try {
                        call.run();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                });
            }
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + virtualThreads + " guarded calls failed;"
                    + " the batch's wall time would not be comparable");
        }
    }

    public static class Work {

        /** The last of 100,000 callers waits several seconds: a timeout that never fires, so no call is dropped. */
        @Guarded(value = "bench-vt", permits = PERMITS, timeout = "10m")
        public void guardedWork() {
            oneMillisecond();
        }

        static void oneMillisecond() {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("a virtual thread of the benchmark was interrupted", e);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    public static class Beans {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Work work() {
            return new Work();
        }
    }
}
