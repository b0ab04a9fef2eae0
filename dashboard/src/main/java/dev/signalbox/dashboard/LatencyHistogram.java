package dev.signalbox.dashboard;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations counted in power-of-two microsecond buckets: bucket {@code i} holds durations below
 * {@code 2^i} µs (the last holds the rest). Recording is one atomic add; {@link #drainPercentiles}
 * empties it and returns percentiles as each bucket's upper bound, so figures are within a factor of
 * two, enough to see which guard is slow.
 */
final class LatencyHistogram {

    static final int BUCKETS = 40;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        int bucket = Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(micros));
        counts.getAndIncrement(bucket);
    }

    /**
     * Empties the histogram and returns {p50, p99} in milliseconds; zeros when nothing was recorded.
     */
    float[] drainPercentiles() {
        long[] drained = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            drained[i] = counts.getAndSet(i, 0);
            total += drained[i];
        }
        if (total == 0) {
            return new float[] {0f, 0f};
        }
        return new float[] {percentile(drained, total, 0.50), percentile(drained, total, 0.99)};
    }

    private static float percentile(long[] drained, long total, double quantile) {
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += drained[i];
            if (seen >= rank) {
                return (1L << i) / 1000f;
            }
        }
        return (1L << (BUCKETS - 1)) / 1000f;
    }
}
