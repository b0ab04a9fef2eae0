package dev.signalbox.core;

import java.time.Duration;

/**
 * A wait ran out of time before it was granted. The primitive is left exactly as it was: the
 * caller holds nothing, and nothing was released on its behalf.
 */
public class GuardTimeoutException extends SignalboxException {

    private static final long serialVersionUID = 1L;

    private final Kind kind;
    private final Duration timeout;

    public GuardTimeoutException(String primitiveName, Kind kind, Duration timeout) {
        super(primitiveName, (timeout.isZero()
                ? kind.tag() + " '" + primitiveName + "' was not available and the call does not wait (timeout 0)"
                : "timed out after " + Durations.format(timeout) + " waiting for " + kind.tag() + " '" + primitiveName + "'")
                + "; raise the timeout, add capacity, or shorten what runs while it is held");
        this.kind = kind;
        this.timeout = timeout;
    }

    /** The kind of primitive the call waited for. */
    public Kind getKind() {
        return kind;
    }

    /** How long the call was allowed to wait. */
    public Duration getTimeout() {
        return timeout;
    }
}
