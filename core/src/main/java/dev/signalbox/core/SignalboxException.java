package dev.signalbox.core;

/**
 * Base class of every exception Signalbox throws for a wait that did not succeed. Unchecked, so a
 * guarded method's signature does not change; catch it to handle all of them at once.
 */
public class SignalboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String primitiveName;

    /**
     * @param primitiveName the name of the primitive the call waited for
     * @param message what happened and what to do
     */
    public SignalboxException(String primitiveName, String message) {
        super(message);
        this.primitiveName = primitiveName;
    }

    public SignalboxException(String primitiveName, String message, Throwable cause) {
        super(message, cause);
        this.primitiveName = primitiveName;
    }

    /** The name of the primitive this failure is about. */
    public String getPrimitiveName() {
        return primitiveName;
    }
}
