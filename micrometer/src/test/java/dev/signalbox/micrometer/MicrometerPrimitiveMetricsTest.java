package dev.signalbox.micrometer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.signalbox.testing.Threads;
import dev.signalbox.testing.Threads.Flavor;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.registry.SignalboxRegistry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Wait and hold times through real primitives: deferred, yet exact under concurrency, bounded in memory
 * with many virtual threads, delivered by the flush thread without any read, and never left behind by close.
 */
@Timeout(60)
class MicrometerPrimitiveMetricsTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void manyVirtualThreadsThroughOneLockEachLeaveExactlyOneWaitAndOneHold() throws Exception {
        // A small buffer (4 x 32 slots) so that 20,000 threads fill it over and over.
        MicrometerPrimitiveMetrics metrics = new MicrometerPrimitiveMetrics(meters, settings(Duration.ofSeconds(1)), 4, 32);
        try {
            Lock lock = new SignalboxRegistry(metrics).lock("crowded");
            int threads = 20_000;
            AtomicLong overSlots = new AtomicLong();
            Threads.runConcurrently(Flavor.VIRTUAL, threads, index -> {
                try (Permit ignored = lock.acquire(Threads.BOUND)) {
                    Thread.onSpinWait();
                }
                if (metrics.pendingRecords() > metrics.bufferSlots()) {
                    overSlots.incrementAndGet();
                }
            });
            metrics.flush();

            assertThat(metrics.bufferSlots()).isEqualTo(128);
            assertThat(overSlots.get()).as("records ever found waiting beyond the buffer's slots").isZero();
            assertThat(metrics.pendingRecords()).isZero();
            assertThat(meters.get("signalbox.wait").tag("name", "crowded").tag("outcome", "acquired").timer().count())
                    .isEqualTo(threads);
            assertThat(meters.get("signalbox.hold").tag("name", "crowded").timer().count()).isEqualTo(threads);
        } finally {
            metrics.close();
        }
    }

    @Test
    void theFlushThreadDeliversTimesWithoutAnyRead() throws Exception {
        MicrometerPrimitiveMetrics metrics = new MicrometerPrimitiveMetrics(meters, settings(Duration.ofMillis(20)));
        try {
            Lock lock = new SignalboxRegistry(metrics).lock("scheduled");
            lock.acquire().close();
            Threads.awaitTrue("the hold reached its timer through the scheduled flush",
                    () -> meters.get("signalbox.hold").tag("name", "scheduled").timer().count() == 1);
        } finally {
            metrics.close();
        }
    }

    @Test
    void closeFlushesAndLaterTimesGoStraightToTheirTimers() throws Exception {
        MicrometerPrimitiveMetrics metrics = new MicrometerPrimitiveMetrics(meters, settings(Duration.ofHours(1)));
        Lock lock = new SignalboxRegistry(metrics).lock("closing");
        lock.acquire().close();
        metrics.close();
        assertThat(meters.get("signalbox.hold").tag("name", "closing").timer().count()).isEqualTo(1);
        lock.acquire().close();
        assertThat(meters.get("signalbox.hold").tag("name", "closing").timer().count()).isEqualTo(2);
        assertThat(meters.get("signalbox.wait").tag("name", "closing").timer().count()).isEqualTo(2);
    }

    @Test
    void aZeroFlushIntervalRecordsOnTheCallingThread() throws Exception {
        MicrometerPrimitiveMetrics metrics = new MicrometerPrimitiveMetrics(meters, settings(Duration.ZERO));
        Lock lock = new SignalboxRegistry(metrics).lock("direct");
        lock.acquire().close();
        assertThat(metrics.bufferSlots()).isZero();
        assertThat(meters.get("signalbox.hold").tag("name", "direct").timer().count()).isEqualTo(1);
    }

    @Test
    void aNegativeFlushIntervalIsRejectedWithTheProperty() {
        assertThatThrownBy(() -> new MicrometerPrimitiveMetrics(meters, settings(Duration.ofSeconds(-1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("signalbox.metrics.flush-interval");
    }

    private static MeterSettings settings(Duration flushInterval) {
        return new MeterSettings(MeterSettings.DEFAULTS.percentileHistogram(), MeterSettings.DEFAULTS.slo(), flushInterval);
    }
}
