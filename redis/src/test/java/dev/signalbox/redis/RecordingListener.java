package dev.signalbox.redis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/** Counts what a primitive reports. */
final class RecordingListener implements PrimitiveListener {

    final AtomicInteger arrivals = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    final AtomicInteger leasesLost = new AtomicInteger();
    private final Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();

    @Override
    public void onArrival(Primitive primitive) {
        arrivals.incrementAndGet();
    }

    @Override
    public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
        outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onReleased(Primitive primitive, long holdNanos) {
        released.incrementAndGet();
    }

    @Override
    public void onLeaseLost(Primitive primitive) {
        leasesLost.incrementAndGet();
    }

    int ended(Outcome outcome) {
        AtomicInteger n = outcomes.get(outcome);
        return n == null ? 0 : n.get();
    }

    int ended() {
        return outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
