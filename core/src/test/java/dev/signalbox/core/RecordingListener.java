package dev.signalbox.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Test support: a {@link PrimitiveListener} that counts every event, to check that nothing goes unreported. */
final class RecordingListener implements PrimitiveListener {

    final LongAdder arrivals = new LongAdder();
    final LongAdder releases = new LongAdder();
    final AtomicLong negativeDurations = new AtomicLong();
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);

    RecordingListener() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
    }

    @Override
    public void onArrival(Primitive primitive) {
        arrivals.increment();
    }

    @Override
    public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
        if (waitNanos < 0) {
            negativeDurations.incrementAndGet();
        }
        outcomes.get(outcome).increment();
    }

    @Override
    public void onReleased(Primitive primitive, long holdNanos) {
        if (holdNanos < 0) {
            negativeDurations.incrementAndGet();
        }
        releases.increment();
    }

    long count(Outcome outcome) {
        return outcomes.get(outcome).sum();
    }

    long waitsEnded() {
        return outcomes.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
