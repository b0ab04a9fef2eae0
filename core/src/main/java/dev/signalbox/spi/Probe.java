package dev.signalbox.spi;

import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/**
 * A primitive's link to its {@link PrimitiveListener}. With {@link PrimitiveListener#NONE} it is
 * switched off: no clock reads, no calls, so an uninstrumented primitive pays a field read. Part of
 * Signalbox's SPI: core's primitives and the cluster primitives of {@code signalbox-redis} all
 * report through one, so arrivals, waits and holds are reported alike.
 */
public final class Probe {

    public final Primitive primitive;
    public final PrimitiveListener listener;
    /** True when a real listener is attached: times are then measured and hold times tracked. */
    public final boolean on;

    public Probe(Primitive primitive, PrimitiveListener listener) {
        this.primitive = primitive;
        this.listener = listener == null ? PrimitiveListener.NONE : listener;
        this.on = this.listener != PrimitiveListener.NONE;
    }

    /** Stands for "no wait": the caller's first try decided it, so its arrival needed no clock read. */
    public static final long AT_ONCE = Long.MIN_VALUE;

    /**
     * Reports an arrival whose first try may decide it, without reading the clock: returns
     * {@link #AT_ONCE}; a caller that must then wait takes its arrival time from {@link #now()}.
     */
    public long arriveAtOnce() {
        if (on) {
            listener.onArrival(primitive);
        }
        return AT_ONCE;
    }

    /** The clock when on, else 0. */
    public long now() {
        return on ? System.nanoTime() : 0L;
    }

    /** Reports an arrival; returns its time (0 when off). */
    public long arrive() {
        if (!on) {
            return 0L;
        }
        listener.onArrival(primitive);
        return System.nanoTime();
    }

    /** Reports the end of a wait that began at {@code arrivedAt}; returns now (0 when off). */
    public long waitEnded(long arrivedAt, Outcome outcome) {
        if (!on) {
            return 0L;
        }
        long now = System.nanoTime();
        listener.onWaitEnded(primitive, arrivedAt == AT_ONCE ? 0L : now - arrivedAt, outcome);
        return now;
    }

    /**
     * Reports the end of a wait with the time the caller read from its own clock: no clock read here,
     * and none at all for an arrival decided at once ({@link #AT_ONCE}, a wait of 0).
     */
    public void waitEndedAt(long arrivedAt, long now, Outcome outcome) {
        if (on) {
            listener.onWaitEnded(primitive, arrivedAt == AT_ONCE ? 0L : now - arrivedAt, outcome);
        }
    }

    /** Reports the end of a call decided at once, a wait of 0, without reading the clock. */
    public void endedAtOnce(Outcome outcome) {
        if (on) {
            listener.onWaitEnded(primitive, 0L, outcome);
        }
    }

    /** Reports the end of a hold that began at {@code acquiredAt}. */
    public void released(long acquiredAt) {
        if (on) {
            listener.onReleased(primitive, System.nanoTime() - acquiredAt);
        }
    }
}
