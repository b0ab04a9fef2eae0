package dev.signalbox.micrometer;

import java.time.Duration;
import java.util.List;

/**
 * How {@link MicrometerPrimitiveMetrics} builds and feeds its timers. Spring Boot's
 * auto-configuration makes one from the {@code signalbox.metrics.*} properties.
 *
 * @param percentileHistogram publish the wait and hold timers' percentile histograms (for
 *                            {@code histogram_quantile} in Prometheus)
 * @param slo                 service-level objective buckets added to the wait and hold timers
 * @param flushInterval       how long a recorded time may wait in the recording buffer before it
 *                            reaches its timer; zero records directly, without a buffer
 */
public record MeterSettings(boolean percentileHistogram, List<Duration> slo, Duration flushInterval) {

    /** The defaults of the {@code signalbox.metrics.*} properties: histograms on, no SLO buckets, a 1s flush. */
    public static final MeterSettings DEFAULTS = new MeterSettings(true, List.of(), Duration.ofSeconds(1));

    public MeterSettings {
        slo = List.copyOf(slo);
    }
}
