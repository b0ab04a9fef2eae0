package dev.signalbox.dashboard;

import java.util.concurrent.atomic.AtomicLongArray;

import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/**
 * What one named primitive did since the last sampler tick: wait outcomes, wait and hold
 * durations. The hot path does a couple of atomic adds; the sampler drains it once a second.
 */
final class PrimitiveActivity implements PrimitiveListener {

    private final AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);
    private final LatencyHistogram waits = new LatencyHistogram();
    private final LatencyHistogram holds = new LatencyHistogram();

    @Override
    public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
        outcomes.getAndIncrement(outcome.ordinal());
        waits.record(waitNanos);
    }

    @Override
    public void onReleased(Primitive primitive, long holdNanos) {
        holds.record(holdNanos);
    }

    /** Counts per outcome (indexed by ordinal) since the last drain, and resets them. */
    long[] drainOutcomes() {
        long[] drained = new long[outcomes.length()];
        for (int i = 0; i < drained.length; i++) {
            drained[i] = outcomes.getAndSet(i, 0);
        }
        return drained;
    }

    float[] drainWaitPercentiles() {
        return waits.drainPercentiles();
    }

    float[] drainHoldPercentiles() {
        return holds.drainPercentiles();
    }
}
