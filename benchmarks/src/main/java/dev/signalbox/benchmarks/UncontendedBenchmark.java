package dev.signalbox.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.signalbox.micrometer.MeterSettings;
import dev.signalbox.micrometer.MicrometerPrimitiveMetrics;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.Semaphore;

import io.github.bucket4j.Bucket;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One thread, nobody else around: the cost of taking and giving back a guard, or of one
 * rate-limit check, for Signalbox and for what users would pick instead. Rate limiters are sized
 * so that they never run dry during a measurement (the cost of admission, not of rejection).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class UncontendedBenchmark {

    private static final int PLENTY = 1_000_000_000;

    private final ReentrantLock reentrantLock = new ReentrantLock();
    private final java.util.concurrent.Semaphore jucSemaphore = new java.util.concurrent.Semaphore(10);
    private final Lock lock = Lock.create("bench-lock");
    private final Semaphore semaphore = Semaphore.create("bench-semaphore", 10);
    private Lock meteredLock;
    private final RateLimiter rateLimiter = RateLimiter.create("bench-limit", PLENTY, Duration.ofSeconds(1));
    private final Bulkhead bulkhead = Bulkhead.of("bench", BulkheadConfig.custom().maxConcurrentCalls(10).build());
    private final io.github.resilience4j.ratelimiter.RateLimiter r4jRateLimiter = io.github.resilience4j.ratelimiter.RateLimiter.of(
            "bench", RateLimiterConfig.custom().limitForPeriod(PLENTY).limitRefreshPeriod(Duration.ofSeconds(1))
                    .timeoutDuration(Duration.ZERO).build());
    @SuppressWarnings("UnstableApiUsage")
    private final com.google.common.util.concurrent.RateLimiter guavaRateLimiter =
            com.google.common.util.concurrent.RateLimiter.create(PLENTY);
    private final Bucket bucket = Bucket.builder()
            .addLimit(limit -> limit.capacity(PLENTY).refillGreedy(PLENTY, Duration.ofSeconds(1))).build();
    private Timer holdTimer;
    private Lock prometheusMeteredLock;
    private Timer prometheusHoldTimer;
    private int counter;

    @Setup
    public void setUp() {
        MeterSettings metrics = MeterSettings.DEFAULTS;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SignalboxRegistry registry = new SignalboxRegistry(new MicrometerPrimitiveMetrics(meters, metrics));
        meteredLock = registry.lock("bench-metered");
        holdTimer = Timer.builder("bench.hold").publishPercentileHistogram().register(meters);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheusMeteredLock = new SignalboxRegistry(new MicrometerPrimitiveMetrics(prometheus, metrics)).lock("bench-metered");
        prometheusHoldTimer = Timer.builder("bench.hold").publishPercentileHistogram().register(prometheus);
    }

    @Benchmark
    public int plainCall() {
        return ++counter;
    }

    @Benchmark
    public int reentrantLock() {
        reentrantLock.lock();
        try {
            return ++counter;
        } finally {
            reentrantLock.unlock();
        }
    }

    @Benchmark
    public int jucSemaphore() {
        jucSemaphore.acquireUninterruptibly();
        try {
            return ++counter;
        } finally {
            jucSemaphore.release();
        }
    }

    @Benchmark
    public int signalboxLock() throws InterruptedException {
        try (Permit ignored = lock.acquire()) {
            return ++counter;
        }
    }

    @Benchmark
    public int signalboxSemaphore() throws InterruptedException {
        try (Permit ignored = semaphore.acquire()) {
            return ++counter;
        }
    }

    /** The lock as the Spring starter makes it: reporting to Micrometer (percentile histograms on). */
    @Benchmark
    public int signalboxLockWithMicrometer() throws InterruptedException {
        try (Permit ignored = meteredLock.acquire()) {
            return ++counter;
        }
    }

    @Benchmark
    public int resilience4jBulkhead() {
        bulkhead.acquirePermission();
        try {
            return ++counter;
        } finally {
            bulkhead.onComplete();
        }
    }

    @Benchmark
    public boolean signalboxRateLimiter() {
        return rateLimiter.tryAcquire();
    }

    @Benchmark
    public boolean resilience4jRateLimiter() {
        return r4jRateLimiter.acquirePermission();
    }

    @Benchmark
    public boolean guavaRateLimiter() {
        return guavaRateLimiter.tryAcquire();
    }

    @Benchmark
    public boolean bucket4j() {
        return bucket.tryConsume(1);
    }

    /**
     * What instrumenting a lock by hand costs: a {@code ReentrantLock} whose hold time is recorded
     * in one Micrometer timer with a percentile histogram (the budget metrics must beat).
     */
    @Benchmark
    public int reentrantLockWithMicrometerTimer() {
        return reentrantLockRecordingHold(holdTimer);
    }

    /** {@link #signalboxLockWithMicrometer} with the registry a Prometheus scrape reads ({@code PrometheusMeterRegistry}). */
    @Benchmark
    public int signalboxLockWithPrometheus() throws InterruptedException {
        try (Permit ignored = prometheusMeteredLock.acquire()) {
            return ++counter;
        }
    }

    /** {@link #reentrantLockWithMicrometerTimer} with a {@code PrometheusMeterRegistry} timer. */
    @Benchmark
    public int reentrantLockWithPrometheusTimer() {
        return reentrantLockRecordingHold(prometheusHoldTimer);
    }

    /** One lock/unlock of {@code reentrantLock}, its hold time recorded in {@code timer} (each benchmark runs in its own fork). */
    private int reentrantLockRecordingHold(Timer timer) {
        long start = System.nanoTime();
        reentrantLock.lock();
        try {
            return ++counter;
        } finally {
            reentrantLock.unlock();
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
