package dev.signalbox.micrometer;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.signalbox.testing.Threads;
import dev.signalbox.testing.Threads.Flavor;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buffer between timed threads and Micrometer: every record reaches its timer exactly once (counts,
 * totals, maxima and histogram buckets equal to direct recording), under concurrent producers and
 * drains, and the buffer never holds more than its fixed number of slots.
 */
@Timeout(60)
class TimerRecordBufferTest {

    private static final int THREADS = 8;
    private static final int RECORDS_PER_THREAD = 25_000;
    /** SLO boundaries in nanoseconds; the values recorded are 1..THREADS*RECORDS_PER_THREAD nanoseconds. */
    private static final long[] BOUNDARIES = {1_000, 50_000, 150_000};

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void everyRecordReachesItsTimerExactlyOnceWhileDrainsRunConcurrently() throws Exception {
        Timer even = timer("even");
        Timer odd = timer("odd");
        ExecutorService drainer = Executors.newSingleThreadExecutor();
        AtomicBoolean requested = new AtomicBoolean();
        // A small buffer, so that it fills, drains and wraps around thousands of times.
        TimerRecordBuffer[] holder = new TimerRecordBuffer[1];
        TimerRecordBuffer buffer = new TimerRecordBuffer(2, 64, () -> {
            if (requested.compareAndSet(false, true)) {
                drainer.execute(() -> {
                    requested.set(false);
                    holder[0].drainAll();
                });
            }
        });
        holder[0] = buffer;
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong extraDrains = new AtomicLong();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            while (producing.get()) {
                buffer.drainAll();
                extraDrains.incrementAndGet();
            }
        });
        try {
            Threads.runConcurrently(Flavor.PLATFORM, THREADS, index -> {
                for (int i = 0; i < RECORDS_PER_THREAD; i++) {
                    long value = (long) index * RECORDS_PER_THREAD + i + 1;
                    buffer.record(value % 2 == 0 ? even : odd, value);
                }
            });
        } finally {
            producing.set(false);
            reader.join(Threads.BOUND);
            drainer.shutdown();
            assertThat(drainer.awaitTermination(Threads.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        buffer.drainAll();

        long n = (long) THREADS * RECORDS_PER_THREAD;
        assertThat(buffer.pending()).isZero();
        assertThat(extraDrains.get()).as("drains ran while threads recorded").isPositive();
        assertExact(even, n, value -> value % 2 == 0);
        assertExact(odd, n, value -> value % 2 == 1);
    }

    @Test
    void aFullBufferRecordsDirectlyLosesNothingAndNeverHoldsMoreThanItsSlots() throws Exception {
        Timer timer = timer("full");
        // Nobody drains: every stripe fills, and from then on producers record directly.
        TimerRecordBuffer buffer = new TimerRecordBuffer(2, 16, () -> { });
        int threads = 10_000;
        int perThread = 10;
        AtomicLong overSlots = new AtomicLong();
        Threads.runConcurrently(Flavor.VIRTUAL, threads, index -> {
            for (int i = 0; i < perThread; i++) {
                buffer.record(timer, (long) index * perThread + i + 1);
                if (buffer.pending() > buffer.slots()) {
                    overSlots.incrementAndGet();
                }
            }
        });
        long n = (long) threads * perThread;

        assertThat(buffer.slots()).isEqualTo(32);
        assertThat(overSlots.get()).as("records ever found waiting beyond the buffer's slots").isZero();
        assertThat(buffer.pending()).as("the full buffer").isEqualTo(32);
        assertThat(timer.count()).as("recorded directly while the buffer was full").isEqualTo(n - 32);
        buffer.drainAll();
        assertExact(timer, n, value -> true);
    }

    @Test
    void drainAllReturnsWithNothingPendingAndCanRunAgainAtOnce() {
        Timer timer = timer("again");
        TimerRecordBuffer buffer = new TimerRecordBuffer(1, 4, () -> { });
        buffer.record(timer, 5);
        buffer.record(timer, 7);
        assertThat(timer.count()).isZero();
        buffer.drainAll();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(12.0);
        buffer.drainAll();
        assertThat(timer.count()).as("a drained record is never replayed twice").isEqualTo(2);
    }

    private Timer timer(String name) {
        return Timer.builder(name)
                .serviceLevelObjectives(java.util.Arrays.stream(BOUNDARIES).mapToObj(Duration::ofNanos).toArray(Duration[]::new))
                .register(registry);
    }

    /** Count, total, max and every bucket equal to what recording 1..n (filtered) directly gives. */
    private static void assertExact(Timer timer, long n, java.util.function.LongPredicate recorded) {
        long count = 0;
        long total = 0;
        long max = 0;
        long[] atOrBelow = new long[BOUNDARIES.length];
        for (long value = 1; value <= n; value++) {
            if (!recorded.test(value)) {
                continue;
            }
            count++;
            total += value;
            max = value;
            for (int b = 0; b < BOUNDARIES.length; b++) {
                if (value <= BOUNDARIES[b]) {
                    atOrBelow[b]++;
                }
            }
        }
        assertThat(timer.count()).as("count of %s", timer.getId().getName()).isEqualTo(count);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).as("total of %s", timer.getId().getName()).isEqualTo((double) total);
        assertThat(timer.max(TimeUnit.NANOSECONDS)).as("max of %s", timer.getId().getName()).isEqualTo((double) max);
        CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
        assertThat(buckets).hasSize(BOUNDARIES.length);
        for (int b = 0; b < BOUNDARIES.length; b++) {
            assertThat(buckets[b].bucket(TimeUnit.NANOSECONDS)).isEqualTo((double) BOUNDARIES[b]);
            assertThat(buckets[b].count()).as("bucket le=%dns of %s", BOUNDARIES[b], timer.getId().getName())
                    .isEqualTo((double) atOrBelow[b]);
        }
    }
}
