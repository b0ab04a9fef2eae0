package dev.signalbox.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

/**
 * Wait and hold figures per name since the application started, for the Actuator endpoint (which
 * must work without Micrometer): counts by outcome, mean and maximum. Recording is a few adds.
 */
public final class PrimitiveStatistics implements PrimitiveListenerFactory {

    private final Map<String, Figures> byName = new ConcurrentHashMap<>();

    @Override
    public PrimitiveListener listenerFor(String name, Kind kind, Scope scope, Supplier<Snapshot> state) {
        return byName.computeIfAbsent(name, n -> new Figures());
    }

    /** The figures of {@code name}, or null when it has none. */
    public Figures figures(String name) {
        return byName.get(name);
    }

    /** Counts and times of one name. */
    public static final class Figures implements PrimitiveListener {

        private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
        private final LongAdder waitNanos = new LongAdder();
        private final LongAccumulator maxWaitNanos = new LongAccumulator(Math::max, 0L);
        private final LongAdder holds = new LongAdder();
        private final LongAdder holdNanos = new LongAdder();
        private final LongAccumulator maxHoldNanos = new LongAccumulator(Math::max, 0L);

        Figures() {
            for (int i = 0; i < outcomes.length; i++) {
                outcomes[i] = new LongAdder();
            }
        }

        @Override
        public void onWaitEnded(Primitive primitive, long nanos, Outcome outcome) {
            outcomes[outcome.ordinal()].increment();
            // An immediate grant waits 0ns: adding it to the sum or the max would change nothing and cost a CAS.
            if (nanos != 0L) {
                waitNanos.add(nanos);
                maxWaitNanos.accumulate(nanos);
            }
        }

        @Override
        public void onReleased(Primitive primitive, long nanos) {
            holds.increment();
            holdNanos.add(nanos);
            maxHoldNanos.accumulate(nanos);
        }

        public long count(Outcome outcome) {
            return outcomes[outcome.ordinal()].sum();
        }

        public long waits() {
            long total = 0;
            for (LongAdder adder : outcomes) {
                total += adder.sum();
            }
            return total;
        }

        public double meanWaitMillis() {
            long n = waits();
            return n == 0 ? 0.0 : waitNanos.sum() / 1e6 / n;
        }

        public double maxWaitMillis() {
            return maxWaitNanos.get() / 1e6;
        }

        public long holds() {
            return holds.sum();
        }

        public double meanHoldMillis() {
            long n = holds.sum();
            return n == 0 ? 0.0 : holdNanos.sum() / 1e6 / n;
        }

        public double maxHoldMillis() {
            return maxHoldNanos.get() / 1e6;
        }
    }
}
