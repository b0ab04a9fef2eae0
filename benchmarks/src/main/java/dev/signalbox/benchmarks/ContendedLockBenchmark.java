package dev.signalbox.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.signalbox.core.Fairness;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.infra.ThreadParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One exclusive guard, a tiny critical section ({@code Blackhole.consumeCPU(50)}), many threads:
 * throughput under contention, and the worst wait. Run with {@code -t 2} and {@code -t 8} (the run
 * script does both).
 *
 * <p>Signalbox's lock in its default mode ({@link Fairness#BARGING}) is compared with the unfair
 * locks ({@code ReentrantLock(false)}, {@code synchronized}); in {@link Fairness#FIFO} mode with the
 * fair ones. Throughput alone flatters a lock that starves its waiters, so every benchmark also
 * reports {@code maxWaitMicros}: the longest time any thread went between two of its own
 * acquisitions during the measurement iterations, in microseconds (reported once, with the last
 * iteration, so the per-iteration lines JMH prints show 0 before it). That gap is the wait plus one
 * critical section and the loop around it, so it bounds the worst wait from above;
 * it also includes time the thread spent descheduled by the OS, which on a machine with fewer cores
 * than threads is part of any wait. Reading the clock once per operation costs every benchmark here
 * the same few nanoseconds.
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
    private final Lock fifoLock = Lock.create("bench-contended-fifo", Fairness.FIFO, PrimitiveListener.NONE);
    private final Bulkhead bulkhead = Bulkhead.of("bench", BulkheadConfig.custom().maxConcurrentCalls(1)
            .maxWaitDuration(java.time.Duration.ofSeconds(10)).build());

    /** The worst gap seen by any thread since the first measurement iteration began, in nanoseconds. */
    final AtomicLong worstGapNanos = new AtomicLong();
    private int measurementIterationsBegun;
    /** True during the last measurement iteration: the one whose counter carries the result. */
    volatile boolean lastMeasurement;

    @Setup(Level.Iteration)
    public void beginIteration(IterationParams iteration) {
        boolean measuring = iteration.getType() == IterationType.MEASUREMENT;
        if (!measuring || ++measurementIterationsBegun == 1) {
            worstGapNanos.set(0L);
        }
        lastMeasurement = measuring && measurementIterationsBegun == iteration.getCount();
    }

    /**
     * Per thread: the time of its last acquisition and its worst gap so far. JMH adds a counter up
     * over threads and iterations, so exactly one thread reports, once: after the last measurement
     * iteration, the worst gap of all threads over all measurement iterations ({@code maxWaitMicros});
     * every other report is 0.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class WaitClock {

        private ContendedLockBenchmark benchmark;
        private boolean reporter;
        private long lastAcquiredAt;
        private long worstGap;
        /** Read by JMH after each iteration. */
        public double maxWaitMicros;

        @Setup(Level.Iteration)
        public void start(ContendedLockBenchmark benchmark, ThreadParams thread) {
            this.benchmark = benchmark;
            this.reporter = thread.getThreadIndex() == 0;
            lastAcquiredAt = 0L;
            worstGap = 0L;
            maxWaitMicros = 0.0;
        }

        /** Call right after acquiring. */
        void acquired() {
            long now = System.nanoTime();
            long gap = now - lastAcquiredAt;
            if (lastAcquiredAt != 0L && gap > worstGap) {
                worstGap = gap;
                benchmark.worstGapNanos.accumulateAndGet(gap, Math::max);
            }
            lastAcquiredAt = now;
        }

        @TearDown(Level.Iteration)
        public void report() {
            maxWaitMicros = reporter && benchmark.lastMeasurement ? benchmark.worstGapNanos.get() / 1_000.0 : 0.0;
        }
    }

    @Benchmark
    public void unfairReentrantLock(WaitClock clock) {
        unfair.lock();
        try {
            clock.acquired();
            Blackhole.consumeCPU(WORK);
        } finally {
            unfair.unlock();
        }
    }

    @Benchmark
    public void fairReentrantLock(WaitClock clock) {
        fair.lock();
        try {
            clock.acquired();
            Blackhole.consumeCPU(WORK);
        } finally {
            fair.unlock();
        }
    }

    @Benchmark
    public void fairSemaphore(WaitClock clock) {
        fairSemaphore.acquireUninterruptibly();
        try {
            clock.acquired();
            Blackhole.consumeCPU(WORK);
        } finally {
            fairSemaphore.release();
        }
    }

    @Benchmark
    public void synchronizedBlock(WaitClock clock) {
        synchronized (monitor) {
            clock.acquired();
            Blackhole.consumeCPU(WORK);
        }
    }

    /** The default mode, {@link Fairness#BARGING}. */
    @Benchmark
    public void signalboxLock(WaitClock clock) throws InterruptedException {
        try (Permit ignored = lock.acquire()) {
            clock.acquired();
            Blackhole.consumeCPU(WORK);
        }
    }

    @Benchmark
    public void signalboxFairLock(WaitClock clock) throws InterruptedException {
        try (Permit ignored = fifoLock.acquire()) {
            clock.acquired();
            Blackhole.consumeCPU(WORK);
        }
    }

    @Benchmark
    public void resilience4jBulkhead(WaitClock clock) {
        bulkhead.acquirePermission();
        try {
            clock.acquired();
            Blackhole.consumeCPU(WORK);
        } finally {
            bulkhead.onComplete();
        }
    }
}
