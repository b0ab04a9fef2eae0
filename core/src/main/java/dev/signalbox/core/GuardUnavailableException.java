package dev.signalbox.core;

/**
 * The backend of a cluster-scoped primitive (Redis) could not be reached within the call's timeout.
 * The caller holds nothing. Retry later, or configure {@code signalbox.redis.on-unavailable: local}.
 */
public class GuardUnavailableException extends SignalboxException {

    private static final long serialVersionUID = 1L;

    public GuardUnavailableException(String primitiveName, String message, Throwable cause) {
        super(primitiveName, message, cause);
    }
}
