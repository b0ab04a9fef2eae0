package dev.signalbox.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Publishes the contract's meters for every named primitive: {@code signalbox.wait} (by outcome),
 * {@code signalbox.hold}, and the gauges {@code signalbox.waiting}, {@code signalbox.active},
 * {@code signalbox.capacity}, tagged {@code name}, {@code kind} and {@code scope}. Keys never become tags.
 */
public final class MicrometerPrimitiveMetrics implements PrimitiveListenerFactory {

    private final MeterRegistry registry;
    private final SignalboxProperties.Metrics settings;

    public MicrometerPrimitiveMetrics(MeterRegistry registry, SignalboxProperties.Metrics settings) {
        this.registry = registry;
        this.settings = settings;
    }

    @Override
    public PrimitiveListener listenerFor(String name, Kind kind, Scope scope, Supplier<Snapshot> state) {
        Tags tags = Tags.of("name", name, "kind", kind.tag(), "scope", scope.tag());
        gauge("signalbox.waiting", "Callers waiting now (queue depth)", tags, state, s -> s.waiting());
        gauge("signalbox.active", "Permits held now, or items queued for a queue", tags, state, s -> s.active());
        gauge("signalbox.capacity", "Permits, queue capacity or parties", tags, state, s -> s.capacity());
        Timer[] waits = new Timer[Outcome.values().length];
        // Register the common outcome now so its series exists from the start; the rest on first use.
        waits[Outcome.ACQUIRED.ordinal()] = waitTimer(tags, Outcome.ACQUIRED);
        Timer hold = timer(Timer.builder("signalbox.hold").description("Time from acquisition to release").tags(tags));
        return new MeteredListener(this, tags, waits, hold);
    }

    private void gauge(String meter, String description, Tags tags, Supplier<Snapshot> state,
            java.util.function.ToIntFunction<Snapshot> value) {
        Gauge.builder(meter, state, s -> value.applyAsInt(s.get()))
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    Timer waitTimer(Tags tags, Outcome outcome) {
        return timer(Timer.builder("signalbox.wait")
                .description("Time from arrival to acquisition or failure")
                .tags(tags)
                .tag("outcome", outcome.tag()));
    }

    private Timer timer(Timer.Builder builder) {
        if (settings.isPercentileHistogram()) {
            builder.publishPercentileHistogram();
        }
        if (!settings.getSlo().isEmpty()) {
            builder.serviceLevelObjectives(settings.getSlo().toArray(Duration[]::new));
        }
        return builder.register(registry);
    }

    /** Records into pre-resolved timers: an array read and a Timer.record per event, no registry lookup. */
    private static final class MeteredListener implements PrimitiveListener {

        private final MicrometerPrimitiveMetrics metrics;
        private final Tags tags;
        private final Timer[] waits;
        private final Timer hold;

        MeteredListener(MicrometerPrimitiveMetrics metrics, Tags tags, Timer[] waits, Timer hold) {
            this.metrics = metrics;
            this.tags = tags;
            this.waits = waits;
            this.hold = hold;
        }

        @Override
        public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
            Timer timer = waits[outcome.ordinal()];
            if (timer == null) {
                // Benign race: the registry returns the same timer to every thread that registers it.
                timer = metrics.waitTimer(tags, outcome);
                waits[outcome.ordinal()] = timer;
            }
            timer.record(waitNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void onReleased(Primitive primitive, long holdNanos) {
            hold.record(holdNanos, TimeUnit.NANOSECONDS);
        }
    }
}
