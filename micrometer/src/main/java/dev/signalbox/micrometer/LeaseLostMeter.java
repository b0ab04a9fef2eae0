package dev.signalbox.micrometer;

import dev.signalbox.registry.PrimitiveListenerFactory;

import java.util.function.Supplier;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The contract's {@code signalbox.lease.lost} counter (tags {@code name}, {@code kind},
 * {@code scope}): cluster holds whose lease ran out while held. Registered for cluster primitives
 * only, from the start (at zero), so an alert can watch it; local primitives get
 * {@link PrimitiveListener#NONE} and pay nothing. Kept apart from {@link MicrometerPrimitiveMetrics}
 * so the hot path of local meters is untouched.
 */
public final class LeaseLostMeter implements PrimitiveListenerFactory {

    private final MeterRegistry registry;

    public LeaseLostMeter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public PrimitiveListener listenerFor(String name, Kind kind, Scope scope, Supplier<Snapshot> state) {
        if (scope != Scope.CLUSTER) {
            return PrimitiveListener.NONE;
        }
        Counter lost = Counter.builder("signalbox.lease.lost")
                .description("Cluster holds whose lease ran out while held (another instance may have been let in)")
                .tags("name", name, "kind", kind.tag(), "scope", scope.tag())
                .register(registry);
        return new PrimitiveListener() {
            @Override
            public void onLeaseLost(Primitive primitive) {
                lost.increment();
            }
        };
    }
}
