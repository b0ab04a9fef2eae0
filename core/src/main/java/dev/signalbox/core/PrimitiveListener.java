package dev.signalbox.core;

/**
 * The instrumentation SPI: told of every arrival, the end of every wait and every release of the
 * primitives it is attached to. {@code signalbox-micrometer} bridges it to Micrometer.
 *
 * <p>Called on the thread where the event happens, never while an internal lock is held; keep
 * implementations quick and non-blocking, and never throw. With {@link #NONE} (the default) a
 * primitive does not even read the clock for instrumentation. {@link #composite} tells several.
 */
public interface PrimitiveListener {

    /** A listener that ignores everything; primitives skip all timing when it is theirs. */
    PrimitiveListener NONE = new PrimitiveListener() {
    };

    /**
     * One listener that tells each of {@code listeners} of every event, in order; {@link #NONE}s are
     * left out, so a composite of nothing real is {@link #NONE} itself (and costs a primitive nothing).
     */
    static PrimitiveListener composite(java.util.List<? extends PrimitiveListener> listeners) {
        PrimitiveListener[] real = listeners.stream().filter(l -> l != NONE).toArray(PrimitiveListener[]::new);
        return switch (real.length) {
            case 0 -> NONE;
            case 1 -> real[0];
            default -> new CompositePrimitiveListener(real);
        };
    }

    /** A caller arrived and will wait (or acquire at once). */
    default void onArrival(Primitive primitive) {
    }

    /**
     * A wait ended.
     *
     * @param waitNanos from arrival to this outcome
     * @param outcome how it ended
     */
    default void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
    }

    /**
     * A hold ended.
     *
     * @param holdNanos from acquisition to release
     */
    default void onReleased(Primitive primitive, long holdNanos) {
    }

    /**
     * A cluster hold lost its lease while still held (its backend could not renew it in time, or the
     * process was paused): another instance may now hold the same guard. Local primitives never call it.
     */
    default void onLeaseLost(Primitive primitive) {
    }
}
