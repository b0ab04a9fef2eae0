package dev.signalbox.testing;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/**
 * Test support: a {@link PrimitiveListener} that counts every event, to check that nothing goes
 * unreported (every arrival ends exactly one wait, every acquisition is released once, no duration
 * is negative), and remembers which primitives reported. Shared by core's and redis' tests.
 */
public final class RecordingListener implements PrimitiveListener {

    private final LongAdder arrivals = new LongAdder();
    private final LongAdder releases = new LongAdder();
    private final LongAdder leasesLost = new LongAdder();
    private final LongAdder negativeDurations = new LongAdder();
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final Set<Primitive> reporters = ConcurrentHashMap.newKeySet();

    public RecordingListener() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
    }

    @Override
    public void onArrival(Primitive primitive) {
        reporters.add(primitive);
        arrivals.increment();
    }

    @Override
    public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
        reporters.add(primitive);
        if (waitNanos < 0) {
            negativeDurations.increment();
        }
        outcomes.get(outcome).increment();
    }

    @Override
    public void onReleased(Primitive primitive, long holdNanos) {
        reporters.add(primitive);
        if (holdNanos < 0) {
            negativeDurations.increment();
        }
        releases.increment();
    }

    @Override
    public void onLeaseLost(Primitive primitive) {
        reporters.add(primitive);
        leasesLost.increment();
    }

    /** Arrivals reported so far. */
    public long arrivals() {
        return arrivals.sum();
    }

    /** Releases (ends of holds) reported so far. */
    public long releases() {
        return releases.sum();
    }

    /** Cluster holds reported lost so far. */
    public long leasesLost() {
        return leasesLost.sum();
    }

    /** Waits or holds reported with a negative duration (always a bug). */
    public long negativeDurations() {
        return negativeDurations.sum();
    }

    /** Waits that ended with {@code outcome}. */
    public long count(Outcome outcome) {
        return outcomes.get(outcome).sum();
    }

    /** Waits that ended, whatever the outcome. */
    public long waitsEnded() {
        return outcomes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Every primitive that reported anything (each once). */
    public Set<Primitive> reporters() {
        return Set.copyOf(reporters);
    }
}
