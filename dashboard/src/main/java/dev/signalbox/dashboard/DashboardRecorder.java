package dev.signalbox.dashboard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.signalbox.annotation.Scope;
import dev.signalbox.registry.PrimitiveListenerFactory;
import dev.signalbox.core.Kind;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

/**
 * The dashboard's listener on every named primitive: one {@link PrimitiveActivity} per name, fed by
 * the primitives' own events (a couple of atomic adds each) and drained by {@link DashboardSampler}.
 *
 * <p>Not the registry's {@link dev.signalbox.registry.PrimitiveStatistics}: that keeps totals since
 * start with a mean and a maximum (the endpoint's figures), this keeps the last second's counts and
 * latency histograms, emptied each tick, for the per-second rates and p50/p99.
 */
public final class DashboardRecorder implements PrimitiveListenerFactory {

    private final Map<String, PrimitiveActivity> byName = new ConcurrentHashMap<>();

    @Override
    public PrimitiveListener listenerFor(String name, Kind kind, Scope scope, Supplier<Snapshot> state) {
        return byName.computeIfAbsent(name, n -> new PrimitiveActivity());
    }

    /** The activity of {@code name}, or null when the name was never registered with this recorder. */
    PrimitiveActivity activity(String name) {
        return byName.get(name);
    }
}
