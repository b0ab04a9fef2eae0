package dev.signalbox.redis;

import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/**
 * The link of a cluster rate limiter or barrier to its {@link PrimitiveListener}: arrivals and ends
 * of waits, reported as that primitive. With {@link PrimitiveListener#NONE} it reads no clock and
 * calls nothing.
 */
final class ClusterProbe {

    final PrimitiveListener listener;
    private final Primitive owner;
    private final boolean on;

    ClusterProbe(Primitive owner, PrimitiveListener listener) {
        this.owner = owner;
        this.listener = listener == null ? PrimitiveListener.NONE : listener;
        this.on = this.listener != PrimitiveListener.NONE;
    }

    /** Reports an arrival; returns its time (0 when off). */
    long arrive() {
        if (!on) {
            return 0L;
        }
        listener.onArrival(owner);
        return System.nanoTime();
    }

    /** Reports the end of a wait that began at {@code arrivedAt}. */
    void waitEnded(long arrivedAt, Outcome outcome) {
        if (on) {
            listener.onWaitEnded(owner, System.nanoTime() - arrivedAt, outcome);
        }
    }
}
