package dev.signalbox.core;

/**
 * The barrier generation this caller waited in was broken, or the barrier itself is broken. A
 * generation breaks when a party gives up by {@link Barrier.GiveUp#BREAK_GENERATION} (a blocking
 * party that timed out or was interrupted), or when the barrier is reset or aborted; every party
 * waiting in it gets this. After a give-up or a reset the next arrival starts a fresh generation;
 * after {@link Barrier#abort()} the barrier stays broken, and every arrival fails at once with
 * this ({@link #aborted}), until {@link Barrier#reset()}.
 */
public class BarrierBrokenException extends SignalboxException {

    private static final long serialVersionUID = 1L;

    /** A broken generation; the next call starts a fresh one. */
    public BarrierBrokenException(String primitiveName, String reason) {
        super(primitiveName, "barrier '" + primitiveName + "' broke before all parties arrived: " + reason
                + "; the next call starts a fresh generation");
    }

    private BarrierBrokenException(String primitiveName, String reason, boolean ignored) {
        super(primitiveName, "barrier '" + primitiveName + "' is broken: " + reason
                + "; every call fails at once until reset() makes the barrier usable again");
    }

    /**
     * The barrier was aborted ({@code reason} says by whom): for the parties of the generation it
     * broke, and for every arrival until {@link Barrier#reset()}.
     */
    public static BarrierBrokenException aborted(String primitiveName, String reason) {
        return new BarrierBrokenException(primitiveName, reason, true);
    }
}
