package dev.signalbox.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One exclusive guard, a tiny critical section ({@code Blackhole.consumeCPU(50)}), many threads:
 * throughput under contention. Run with {@code -t 2} and {@code -t 8} (the run script does both).
 * Signalbox's lock hands off strictly FIFO; fair locks are its like-for-like peers.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ContendedLockBenchmark {

    private static final int WORK = 50;

    private final ReentrantLock unfair = new ReentrantLock(false);
    private final ReentrantLock fair = new ReentrantLock(true);
    private final java.util.concurrent.Semaphore fairSemaphore = new java.util.concurrent.Semaphore(1, true);
    private final Object monitor = new Object();
    private final Lock lock = Lock.create("bench-contended");
    private final Bulkhead bulkhead = Bulkhead.of("bench", BulkheadConfig.custom().maxConcurrentCalls(1)
            .maxWaitDuration(java.time.Duration.ofSeconds(10)).build());

    @Benchmark
    public void unfairReentrantLock() {
        unfair.lock();
        try {
            Blackhole.consumeCPU(WORK);
        } finally {
            unfair.unlock();
        }
    }

    @Benchmark
    public void fairReentrantLock() {
        fair.lock();
        try {
            Blackhole.consumeCPU(WORK);
        } finally {
            fair.unlock();
        }
    }

    @Benchmark
    public void fairSemaphore() {
        fairSemaphore.acquireUninterruptibly();
        try {
            Blackhole.consumeCPU(WORK);
        } finally {
            fairSemaphore.release();
        }
    }

    @Benchmark
    public void synchronizedBlock() {
        synchronized (monitor) {
            Blackhole.consumeCPU(WORK);
        }
    }

    @Benchmark
    public void signalboxLock() throws InterruptedException {
        try (Permit ignored = lock.acquire()) {
            Blackhole.consumeCPU(WORK);
        }
    }

    @Benchmark
    public void resilience4jBulkhead() {
        bulkhead.acquirePermission();
        try {
            Blackhole.consumeCPU(WORK);
        } finally {
            bulkhead.onComplete();
        }
    }
}
