package dev.signalbox.benchmarks;

import dev.signalbox.micrometer.MicrometerPrimitiveMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Durations;
import dev.signalbox.core.KeyedPermits;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keyed guards, one thread: acquiring and releasing the lock of a key that already has one (an
 * <em>existing</em> key, kept in its registry by a handle held open for the whole trial) against a
 * <em>fresh</em> key, whose lock is created on acquisition and evicted again on release. Both cycle
 * over the same {@value #KEYS} keys, so the map lookups are alike and only creation and eviction
 * differ. Measured on the core {@link KeyedRegistry} and through {@code @Guarded(key = "#id")} on a
 * Spring proxy (metrics on). The peer is what people write by hand: a {@code ReentrantLock} per key
 * in a {@code ConcurrentHashMap}, never evicted (memory grows with every distinct key).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class KeyedGuardBenchmark {

    private static final int KEYS = 1_024;
    private static final String EXISTING = "bench-keyed-existing";
    private static final String FRESH = "bench-keyed-fresh";

    private final String[] keys = new String[KEYS];
    private final KeyedRegistry<String, Lock> existingKeys = KeyedRegistry.create(EXISTING, key -> Lock.create(EXISTING));
    private final KeyedRegistry<String, Lock> freshKeys = KeyedRegistry.create(FRESH, key -> Lock.create(FRESH));
    private final ConcurrentHashMap<String, ReentrantLock> lockPerKey = new ConcurrentHashMap<>();
    private final List<KeyedRegistry.Handle<String, Lock>> pins = new ArrayList<>();
    private AnnotationConfigApplicationContext context;
    private KeyedService guarded;
    private int next;
    private int counter;

    @Setup(Level.Trial)
    public void start() {
        context = new AnnotationConfigApplicationContext(Beans.class, SignalboxAutoConfiguration.class);
        if (context.getBeansOfType(dev.signalbox.micrometer.MicrometerPrimitiveMetrics.class).isEmpty()) {
            throw new IllegalStateException("metrics are off in the benchmark's context: register the MeterRegistry before the auto-configuration");
        }
        guarded = context.getBean(KeyedService.class);
        KeyedRegistry<String, Lock> annotatedExisting = context.getBean(SignalboxRegistry.class).keyedLocks(EXISTING);
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "key-" + i;
            pins.add(existingKeys.borrow(keys[i]));
            pins.add(annotatedExisting.borrow(keys[i]));
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        pins.forEach(KeyedRegistry.Handle::close);
        int leftOver = freshKeys.size() + context.getBean(SignalboxRegistry.class).<String>keyedLocks(FRESH).size();
        context.close();
        if (leftOver != 0) {
            throw new IllegalStateException(leftOver + " fresh keys were still in their registries after the trial;"
                    + " they were not evicted on release, so the fresh-key figures measured existing keys");
        }
    }

    private String nextKey() {
        return keys[next++ & (KEYS - 1)];
    }

    @Benchmark
    public int signalboxExistingKey() throws InterruptedException {
        try (Permit ignored = KeyedPermits.acquire(existingKeys, nextKey(), Durations.FOREVER)) {
            return ++counter;
        }
    }

    @Benchmark
    public int signalboxFreshKey() throws InterruptedException {
        try (Permit ignored = KeyedPermits.acquire(freshKeys, nextKey(), Durations.FOREVER)) {
            return ++counter;
        }
    }

    @Benchmark
    public int signalboxGuardedExistingKey() {
        return guarded.existing(nextKey());
    }

    @Benchmark
    public int signalboxGuardedFreshKey() {
        return guarded.fresh(nextKey());
    }

    @Benchmark
    public int reentrantLockPerKeyNeverEvicted() {
        ReentrantLock lock = lockPerKey.computeIfAbsent(nextKey(), key -> new ReentrantLock());
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    public static class KeyedService {
        private int counter;

        @Guarded(value = EXISTING, key = "#id")
        public int existing(String id) {
            return ++counter;
        }

        @Guarded(value = FRESH, key = "#id")
        public int fresh(String id) {
            return ++counter;
        }
    }

    @Configuration(proxyBeanMethods = false)
    public static class Beans {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        KeyedService keyedService() {
            return new KeyedService();
        }
    }
}
