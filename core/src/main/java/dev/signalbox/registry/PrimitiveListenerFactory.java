package dev.signalbox.registry;

import java.util.List;
import java.util.function.Supplier;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

/**
 * Makes the {@link PrimitiveListener} of one named primitive. Called once per name, never per key:
 * every key of a keyed guard reports to its name's listener, so meters stay one set per name.
 * Declare a bean of this type to add your own instrumentation beside Signalbox's meters.
 */
@FunctionalInterface
public interface PrimitiveListenerFactory {

    /**
     * @param state the current state of the named primitive (summed over keys for keyed guards), for gauges
     */
    PrimitiveListener listenerFor(String name, Kind kind, Scope scope, Supplier<Snapshot> state);

    /**
     * A factory whose listener tells every listener of {@code factories}, in order (see
     * {@link PrimitiveListener#composite}): one that makes only {@link PrimitiveListener#NONE}s
     * costs the primitive nothing.
     */
    static PrimitiveListenerFactory composite(List<? extends PrimitiveListenerFactory> factories) {
        List<PrimitiveListenerFactory> all = List.copyOf(factories);
        return (name, kind, scope, state) -> PrimitiveListener.composite(
                all.stream().map(f -> f.listenerFor(name, kind, scope, state)).toList());
    }
}
