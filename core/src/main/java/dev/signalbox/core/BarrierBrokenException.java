package dev.signalbox.core;

/**
 * The barrier generation this caller waited in was broken: a party timed out, was interrupted or
 * cancelled, or the barrier was aborted. Every party waiting in that generation gets this; the
 * next arrival starts a fresh generation.
 */
public class BarrierBrokenException extends SignalboxException {

    private static final long serialVersionUID = 1L;

    public BarrierBrokenException(String primitiveName, String reason) {
        super(primitiveName, "barrier '" + primitiveName + "' broke before all parties arrived: " + reason
                + "; the next call starts a fresh generation");
    }
}
